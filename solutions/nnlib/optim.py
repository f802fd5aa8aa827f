"""Chapter 5, Gradient descent: following the slope downhill.

Everything here works on plain arrays and returns new ones: an update step
takes the current parameter and its gradient (and any optimiser state) and
returns the next parameter (and the next state).
"""

import numpy as np


def numerical_gradient(f, x, eps=1e-6):
    """Gradient of a scalar function by central differences.

    For each entry i: ``(f(x + eps e_i) - f(x - eps e_i)) / (2 eps)``. Slow
    (two calls of f per entry) but almost always right, which makes it the
    reference that analytic gradients are checked against. Taught in
    chapter 5, section 'Slopes by nudging'.

    Parameters
    ----------
    f : callable
        Maps an array shaped like x to a float.
    x : ndarray of any shape, float64
        Point at which to differentiate. Left unchanged.
    eps : float
        Step size.

    Returns
    -------
    ndarray of the same shape as x
    """
    ### BEGIN SOLUTION
    x = np.array(x, dtype=np.float64)  # a private copy we may nudge
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad
    ### END SOLUTION


def gradient_descent(grad_fn, x0, lr, steps):
    """Plain gradient descent from ``x0``; returns the end point and the path.

    Each step moves against the gradient: ``x <- x - lr * grad_fn(x)``.
    Taught in chapter 5, section 'Walking downhill'.

    Parameters
    ----------
    grad_fn : callable
        Maps a point of shape (D,) to the gradient there, shape (D,).
    x0 : ndarray of shape (D,)
        Starting point (left unchanged).
    lr : float
        Learning rate (step size).
    steps : int
        Number of steps.

    Returns
    -------
    x : ndarray of shape (D,)
        The last point.
    path : ndarray of shape (steps + 1, D)
        Every point visited, ``x0`` first.
    """
    ### BEGIN SOLUTION
    path = [np.asarray(x0, dtype=float)]
    for _ in range(steps):
        path.append(path[-1] - lr * grad_fn(path[-1]))
    return path[-1], np.stack(path)
    ### END SOLUTION


def iterate_minibatches(X, y, batch_size, rng):
    """Shuffle the examples and cut them into minibatches.

    One pass over the list is one epoch. The order comes from
    ``rng.permutation(N_train)``; the last batch is smaller when ``batch_size``
    does not divide N_train. Taught in chapter 5, section 'Minibatches'.

    Parameters
    ----------
    X : ndarray of shape (N_train, D)
        The whole training set.
    y : ndarray of shape (N_train,)
    batch_size : int
        N, the number of examples per batch.
    rng : numpy.random.Generator

    Returns
    -------
    list of (X_batch, y_batch) tuples
        ``X_batch`` of shape (N, D) and ``y_batch`` of shape (N,), with
        N = batch_size except perhaps in the last batch.
    """
    ### BEGIN SOLUTION
    order = rng.permutation(X.shape[0])
    return [
        (X[idx], y[idx])
        for idx in (order[start : start + batch_size] for start in range(0, len(order), batch_size))
    ]
    ### END SOLUTION


def sgd_step(w, dw, lr):
    """One step of (stochastic) gradient descent: ``w - lr * dw``.

    Taught in chapter 5, section 'Stochastic gradient descent'.

    Parameters
    ----------
    w : ndarray of any shape
        Parameter (left unchanged).
    dw : ndarray of the same shape
        Gradient of the loss with respect to w.
    lr : float

    Returns
    -------
    ndarray of the same shape and dtype as w
    """
    ### BEGIN SOLUTION
    new_w = lr * dw  # (a new array) then reused for the result: one allocation, not two
    np.subtract(w, new_w, out=new_w)
    return new_w
    ### END SOLUTION


def momentum_step(w, dw, velocity, lr, beta=0.9):
    """One step of gradient descent with momentum.

    The velocity is a running sum of gradients that forgets old ones at rate
    ``beta``: ``velocity <- beta * velocity + dw``, then
    ``w <- w - lr * velocity`` (the convention of PyTorch's SGD). Taught in
    chapter 5, section 'Momentum'.

    Parameters
    ----------
    w, dw, velocity : ndarray of the same shape
        Parameter, its gradient, and the velocity from the previous step
        (zeros at the start). None is modified.
    lr : float
    beta : float

    Returns
    -------
    w : ndarray
        The updated parameter.
    velocity : ndarray
        The updated velocity.
    """
    ### BEGIN SOLUTION
    velocity = beta * velocity + dw
    return w - lr * velocity, velocity
    ### END SOLUTION


def adam_step(w, dw, m, v, t, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
    """One step of Adam (Kingma and Ba, 2015).

    ``m`` and ``v`` are running averages of the gradient and of its square.
    Both start at zero, so early on they are biased towards zero; dividing by
    ``1 - beta ** t`` corrects that. Then
    ``w <- w - lr * m_hat / (sqrt(v_hat) + eps)``. Taught in chapter 5,
    section 'Adam'.

    Parameters
    ----------
    w, dw, m, v : ndarray of the same shape
        Parameter, gradient, first and second moment estimates (zeros at the
        start). None is modified.
    t : int
        Number of this step, starting at 1.
    lr, beta1, beta2, eps : float

    Returns
    -------
    w, m, v : ndarray
        The updated parameter and moment estimates.
    """
    ### BEGIN SOLUTION
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - lr * m_hat / (np.sqrt(v_hat) + eps), m, v
    ### END SOLUTION


def rmsprop_step(w, dw, s, lr, rho=0.9, eps=1e-8):
    """One step of RMSProp (Hinton's lecture notes, 2012): each entry's step divided by its typical gradient.

    ``s`` is a running average of the squared gradient,
    ``s <- rho * s + (1 - rho) * dw ** 2``; the step is
    ``lr * dw / (sqrt(s) + eps)``, entry by entry. Adam is this plus momentum
    and bias correction. Taught in chapter 5, section 'RMSProp' (the exercise
    follows the section 'Adam').

    Parameters
    ----------
    w, dw, s : ndarray of the same shape
        Parameter, its gradient, and the running average of squared gradients
        (zeros at the start). None is modified.
    lr, rho, eps : float
        Learning rate, decay of the average, and a guard against division by 0.

    Returns
    -------
    w, s : ndarray
        The updated parameter and running average.
    """
    ### BEGIN SOLUTION
    s = rho * s + (1 - rho) * dw * dw
    return w - lr * dw / (np.sqrt(s) + eps), s
    ### END SOLUTION


def step_schedule(lr, steps, every, factor=0.1):
    """Learning rates that drop by ``factor`` every ``every`` steps: ``lr * factor ** (t // every)``.

    Not an exercise. Taught in chapter 5, section 'Learning-rate schedules'.

    Returns
    -------
    ndarray of shape (steps,)
        The learning rate of steps t = 0, 1, ..., steps - 1.
    """
    return lr * factor ** (np.arange(steps) // every)


def cosine_schedule(lr, steps, lr_min=0.0):
    """Learning rates that fall from ``lr`` to ``lr_min`` along half a cosine (Loshchilov and Hutter, 2017).

    ``lr_t = lr_min + (lr - lr_min) * (1 + cos(pi t / steps)) / 2``. Not an
    exercise. Taught in chapter 5, section 'Learning-rate schedules'.

    Returns
    -------
    ndarray of shape (steps,)
        The learning rate of steps t = 0, 1, ..., steps - 1.
    """
    t = np.arange(steps)
    return lr_min + (lr - lr_min) * (1 + np.cos(np.pi * t / steps)) / 2
