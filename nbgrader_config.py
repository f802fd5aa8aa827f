"""nbgrader configuration for the course. Run nbgrader commands from this folder.

Each setting below closes a pitfall measured on nbgrader 0.9.6; the test
suite (tests/test_grading.py) fails if one of them comes back.
"""

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearOutput,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
)

from coursekit.grading import (
    COURSE_DIR,
    COURSE_ID,
    EXCHANGE_DIR,
    DropStrayGradeMetadata,
    RedactHiddenTests,
    SanitizeStudentHTML,
    exclude_overwriting,
    guard_autograde,
    private_course_dir,
)
from coursekit.sandbox.autograde import SandboxedChecks

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

# The course folder (source/, release/, submitted/, autograded/, feedback/,
# gradebook.db) lives outside version control: the gradebook stores hidden tests.
# It is private to the instructor (mode 0700).
c.CourseDirectory.root = str(private_course_dir(COURSE_DIR))
c.CourseDirectory.course_id = COURSE_ID

# A local exchange for release/fetch/submit/collect, outside the course folder.
# On a JupyterHub, point NNFS_EXCHANGE_DIR at the shared exchange folder
# instead (nbgrader's default is /srv/nbgrader/exchange).
c.Exchange.root = str(EXCHANGE_DIR)

# Submissions are untrusted: symbolic links, devices, setuid files, names that
# are not UTF-8, too many files or bytes are refused per student before
# nbgrader copies anything (collect, then autograde).
c.ExchangeFactory.collect = "coursekit.grading.SafeCollect"
guard_autograde()

# Autograde copies every non-notebook file from source/ over the student's
# copy, unless listed here: without it everybody is graded on the stubs.
c.Autograde.exclude_overwriting = exclude_overwriting(COURSE_DIR / "source")

# Students can delete graded cells; put them back (locked cells are restored
# from the gradebook by checksum).
c.OverwriteCells.add_missing_cells = True

# A graded cell pasted twice must not cost the whole notebook (nbgrader's own
# deduplication leaves metadata its next step cannot read).
c.Autograde.sanitize_preprocessors = [
    ClearOutput,
    DeduplicateIds,
    DropStrayGradeMetadata,
    OverwriteKernelspec,
    OverwriteCells,
    CheckCellMetadata,
]

# Student code never runs in nbgrader's process or in a notebook kernel: the
# checks run here and call the student's functions in a sandboxed worker (own
# namespaces, no network, resource limits, sees only its own nnlib/). This
# replaces nbgrader's Execute; the rest of the pipeline is nbgrader's own.
c.Autograde.autograde_preprocessors = [
    SandboxedChecks,
    SanitizeStudentHTML,  # formgrader shows the autograded notebook to the instructor (see below)
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

# Feedback must never show hidden tests or their tracebacks (nbgrader #917, #1363).
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, RedactHiddenTests, SanitizeStudentHTML]

# A student's markdown may hold <script> or onerror=: nbgrader's feedback and formgrade templates render it as
# it is, and both pages open in the instructor's Jupyter, where such script could read the gradebook and the
# hidden tests. SanitizeStudentHTML escapes it (at autograde and for feedback); outputs are sanitised too.
c.HTMLExporter.sanitize_html = True

# zip_collect ignores .py files by default, and nnlib/*.py is the work.
c.FileNameCollectorPlugin.valid_ext = [".ipynb", ".py"]

# Carry-forward while grading: grade a later chapter on its own functions only
# by giving the worker the reference of the earlier modules it calls (never the
# assignment's own module; the grader refuses that). For example:
# c.SandboxedChecks.reference_modules = {"ch07": ["functions", "layers", "losses", "optim"]}
c.SandboxedChecks.reference_modules = {}
