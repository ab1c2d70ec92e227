"""`make bench`: every benchmark, one after the other (not part of `make test`)."""

from tests.benchmarks import bench_core, bench_intake, bench_push, bench_screening, bench_stats, bench_web

# Guarded: benchmarks start processes of their own, which import this module again.
if __name__ == "__main__":
    for bench in (bench_push, bench_intake, bench_core, bench_stats, bench_web, bench_screening):
        bench.run()
