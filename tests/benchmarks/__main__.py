"""`make bench`: every benchmark, one after the other (not part of `make test`)."""

from tests.benchmarks import bench_stats

for bench in (bench_stats,):
    bench.run()
