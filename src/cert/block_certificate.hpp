// Block certificates for the read and write lemmas (issue 15): for every input in the
// lemma's noise ball around a valid state, the attention's output lies within the
// certified distance of its ideal value, at a target scalar's rounding model. Printed
// next to the paper bound it certifies (bounds/read.hpp, bounds/write.hpp, with
// bounds::rounding_attention at the scalar).
//
// Cases and boxes. The head's weights depend on the pointer and the positional codes
// only, and its output entry is one linear form in the data, so: one case per addressed
// memory cell (every cell, no symmetry assumed); the data as boxes (the addressed cell's
// bits +1 +- delta, every other column's source entries anywhere in [-1 - delta, 1 +
// delta]: a bit of either sign; the all +1 target covers every target value, since
// negating the data negates each output entry); the pointer's L coordinates each in
// code +- delta, bisected `splits` times per coordinate (2^(splits L) boxes per case),
// because the interval softmax forgets that every score depends on the same pointer.
// Each box is one interval evaluation of the block's attention through the engine
// (LoopedTransformer<IntervalScalar>), with the weights rounded as the target rounds them.
// The ReLU sublayers (the snap, the write gate) are not evaluated here: their piecewise
// linear maps need an affine evaluation that this certificate does not have.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "blocks/shared/params.hpp"
#include "cert/exhaustive.hpp"
#include "core/rational.hpp"
#include "core/scalar_name.hpp"
#include "isa/subleq/program.hpp"
#include "tf/layer_spec.hpp"

namespace loopcert::cert {

struct BlockOptions {
  ScalarSpec scalar;
  Rational delta = 0;        // noise radius of the pointer and the sources
  int splits = 0;            // bisections of each pointer coordinate
  long working_precision = 128;
  std::function<void(LayerSpec&)> alter;  // optional: change the block first (the negative checks' broken weight)
};

// One certified quantity of a block, beside the paper's bound for it.
struct BlockQuantity {
  std::string name;          // "copy |val_a - bit|", "hit |h - 1/2|", ...
  double certified = 0;      // largest distance from the ideal over every case and box, rounded up
  int worst_cell = -1;
  double paper = 0;          // the paper's bound with the scalar's rounding part
  std::string paper_function;
  double threshold = 0;      // what the loop theorem needs of it (read: the snap e); 0 if none
};

struct BlockCertificate {
  std::string lemma;         // "read" or "write"
  Verdict verdict = Verdict::Unknown;  // certified: every quantity within its threshold
  std::string scalar, sound_for, reason;
  int n = 0, L = 0, N = 0, cells = 0;
  double lambda = 0, delta = 0;
  long cases = 0, boxes = 0;
  std::vector<BlockQuantity> quantities;
  double seconds = 0;
};

// The lemma's block built on `program`'s layout (blocks::read / blocks::write as the
// lemma checks build them) at `params`. Throws std::invalid_argument for an unknown
// lemma, a negative delta, or more than 2^16 boxes per case.
BlockCertificate certify_block(const std::string& lemma, const isa::SubleqProgram& program, const blocks::BlockParams& params,
                               const BlockOptions& options);

}  // namespace loopcert::cert
