// How many code columns lie near each column that a loop's reads and write may address
// (proofs/subleq_loop.md, "The layout's own codes"): the leaks of read.md Lemma 2' and
// write.md Lemma 2 counted on the compiled layout instead of over every layout of n
// columns. A compiled layout's codes are the column indices s..n-1, so a column may lack
// some of its L nearest codes (n = 11: at most 3 at distance 1 from a memory column).
#pragma once
#include <vector>

#include "tf/layout.hpp"

namespace loopcert::bounds {

// The other columns one addressed column sees: at_distance[nu - 1] code columns at
// Hamming distance nu, and `scratch` columns with the zero code.
struct NeighbourCounts {
  std::vector<double> at_distance;
  double scratch = 0;
};

struct LoopShape {
  int n = 0, L = 0;
  bool from_layout = false;  // false: every layout of n columns (read.md's distance_sum)
  // One entry per addressed column, dominated ones dropped: read targets are memory and
  // command columns (fetch, operands), write targets memory columns; the work column is
  // the reader (read) or a tied key (write), so it is not among the write's others.
  std::vector<NeighbourCounts> read_targets, write_targets;
};

// Every layout of n columns with L address bits (what the lemma bounds assume).
LoopShape generic_shape(int n, int L);
// The compiled layout's own codes.
LoopShape loop_shape(const Layout& layout);

// The loop theorem's two errors at delta = 0 on a shape (read.md Lemma 2', write.md
// Lemma 2), rounded up; subleq_loop.hpp combines them.
double loop_read_error(const LoopShape& shape, double lambda);
double loop_write_error(const LoopShape& shape, double lambda, double C);

}  // namespace loopcert::bounds
