"""`make bench`: every benchmark, one after the other (not part of `make test`)."""

from tests.benchmarks import bench_push, bench_stats

for bench in (bench_push, bench_stats):
    bench.run()
