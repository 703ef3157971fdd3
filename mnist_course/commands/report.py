"""``mnist-course report [--out report.html] [--pdf report.pdf] [--model PATH]``: the course report as one HTML page.

The report itself is :func:`mnist_course.report.build_report`; this module finds the model, checks the
options and prints where the files went and, one line each, what is missing and why.

Introduced in notebooks/09_logs_and_report.ipynb.
"""

from __future__ import annotations

from pathlib import Path

from mnist_course.commands.common import CommandError, fail, load_model, resolve_model


def run(args) -> int:
    """Write the report (and its PDF with ``--pdf``). Returns 0, or 2 for bad input or no model.

    Introduced in notebooks/09_logs_and_report.ipynb.
    """
    from mnist_course import report

    out = Path(args.out).expanduser()
    if out.suffix.lower() not in {".html", ".htm"}:
        return fail("report", f"--out must end in .html, got {out.name!r}")
    pdf = Path(args.pdf).expanduser() if args.pdf else None
    if pdf is not None and pdf.suffix.lower() != ".pdf":
        return fail("report", f"--pdf must end in .pdf, got {pdf.name!r}")
    if args.limit is not None and not 1 <= args.limit <= 890:
        return fail("report", f"--limit must be between 1 and 890 test images per digit, got {args.limit}")
    if args.llm_timeout is not None and args.llm_timeout <= 0:
        return fail("report", f"--llm-timeout must be more than 0 seconds, got {args.llm_timeout}")
    try:
        model_path = resolve_model(args.model)
        model = load_model(model_path)
    except CommandError as error:
        return fail("report", error)
    llm = report.llm_settings(args.llm_url, args.llm_model, timeout=args.llm_timeout)
    if llm is not None:
        print(f"Asking the language model at {llm.url} for commentary (at most {llm.timeout:g} s) ...", flush=True)
    result = report.build_report(model_path, out, model=model, pdf=pdf, test_per_class=args.limit,
                                 data_path=args.data, llm=llm)  # fmt: skip
    print(f"Report written to {out} ({', '.join(result.sections)})")
    if result.pdf_path:
        print(f"PDF written to {result.pdf_path}")
    for note in result.notes:
        print(note)
    return 0
