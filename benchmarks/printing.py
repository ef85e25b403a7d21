"""Receipt rendering speed: ``python -m benchmarks printing [--renders N]``."""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

from benchmarks import emit, percentile
from printing.content import ServiceReceipt


def _measure(render: Callable[[int], bytes], renders: int, warmup: int) -> list[float]:
    for i in range(warmup):
        render(i)
    samples = []
    for i in range(renders):
        started = time.perf_counter()
        render(warmup + i)
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks printing")
    parser.add_argument("--renders", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args(argv)

    from devtools.samples import sample_receipt
    from printing.escpos_render import render_escpos
    from printing.pdf import render_pdf

    # A new queue number and tracking code every time, so no cache hides the real work.
    def receipt(i: int) -> ServiceReceipt:
        return sample_receipt(number=f"B-{i % 1000:03d}", tracking_code=f"RGJ-{i:06d}-QX")

    for metric, render in (
        ("receipt_pdf_ms", lambda i: render_pdf(receipt(i), "80mm")),
        ("receipt_escpos_ms", lambda i: render_escpos(receipt(i), "80mm")),
    ):
        samples = _measure(render, args.renders, args.warmup)
        emit(
            "printing",
            metric,
            statistics.median(samples),
            "ms",
            p95=round(percentile(samples, 95), 3),
            renders=args.renders,
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
