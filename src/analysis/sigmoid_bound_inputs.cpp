// The sigmoid bounds applied to blocks and targets (analysis/sigmoid_bound_inputs.hpp).
#include "analysis/sigmoid_bound_inputs.hpp"

#include <algorithm>
#include <cmath>

#include "approx/function_constants.hpp"
#include "core/mpfi_interval.hpp"

namespace loopcert::analysis {

using approx::Channel;
using approx::FunctionConstants;
using approx::Term;
using blocks::SigmoidBlock;
using blocks::SigmoidColumns;
using bounds::RoundingInputs;
using bounds::RoundingModel;

namespace {

double up(const Rational& q) { return round_up(q); }
Rational rabs(const Rational& q) { return rational_abs(q); }

double staircase_bound_of(const FunctionConstants& fc, int m, const Rational& width, const Rational& alpha, double node_error) {
  bounds::StaircaseInputs in;
  in.m = m;
  in.width = width;
  in.alpha = alpha;
  in.lipschitz = fc.lipschitz;
  in.second_derivative = fc.second_derivative;
  in.variation = fc.variation;
  in.node_error = node_error;
  return bounds::staircase_bound(in);
}

}  // namespace

double staircase_bound(const approx::Univariate& f, int m, const Rational& alpha, double node_error) {
  return staircase_bound_of(approx::function_constants(f), m, Rational(f.hi - f.lo), alpha, node_error);
}

RoundingInputs rounding_inputs(const SigmoidBlock& block, int batch) { return rounding_inputs(block.channels, block.columns, batch); }

RoundingInputs rounding_inputs(const std::vector<Channel>& channels, const SigmoidColumns& columns, int batch) {
  RoundingInputs in;
  in.columns = batch * columns.columns();
  in.anchors = batch * columns.anchors;
  const Rational comp = blocks::column_compensation(columns);
  Rational c0 = 0;
  for (const Channel& ch : channels) {
    in.max_inputs = std::max<int>(in.max_inputs, static_cast<int>(ch.input.size()));
    const double U = up(ch.input_abs);
    for (const Term& t : ch.sum.terms) {
      const double c = up(rabs(ch.scale * t.c)), a = up(rabs(t.a)), b = up(rabs(t.b + comp));
      const double score = (a * U + b) * (1 + 1e-15);
      ++in.heads;
      in.sum_c += c;
      in.sum_c_score += c * score;
      in.max_score = std::max(in.max_score, score);
      in.max_weight = std::max({in.max_weight, a, b, c});
    }
    c0 += ch.scale * ch.sum.c0;
  }
  in.c0 = up(rabs(c0));
  in.max_weight = std::max(in.max_weight, in.c0);
  in.sum_c *= 1 + 1e-15;
  in.sum_c_score *= 1 + 1e-15;
  return in;
}

RoundingInputs staircase_rounding_inputs(const std::vector<Channel>& channels, int m, const Rational& alpha,
                                         const SigmoidColumns& columns) {
  RoundingInputs in;
  in.columns = columns.columns();
  in.anchors = columns.anchors;
  const double comp = std::fabs(to_double(blocks::column_compensation(columns))) * (1 + 1e-15);
  for (const Channel& ch : channels) {
    const FunctionConstants fc = approx::function_constants(ch.f);
    const double scale = up(rabs(ch.scale)), U = up(ch.input_abs);
    const double eps = std::ldexp(fc.sup_abs * 1.0000001, 3 - 128);  // node error of staircase()
    const double s = up(alpha * m / (ch.f.hi - ch.f.lo));               // sharpness alpha / h
    const double T = up(std::max(rabs(ch.f.lo), rabs(ch.f.hi)));       // |b_k| = s |t_k| <= s T
    const double score = (s * (U + T) + comp) * (1 + 1e-15);
    const double sum_c = scale * (fc.variation + 2.0 * m * eps) * (1 + 1e-15);  // sum |y_k - y_{k-1}| <= V + 2 m eps
    in.max_inputs = std::max<int>(in.max_inputs, static_cast<int>(ch.input.size()));
    in.heads += m;
    in.sum_c += sum_c;
    in.sum_c_score += sum_c * score;
    in.c0 += scale * (fc.sup_abs + eps);
    in.max_score = std::max(in.max_score, score);
    in.max_weight = std::max({in.max_weight, score, scale * (fc.variation + 2 * eps)});
  }
  in.max_weight = std::max(in.max_weight, in.c0);
  return in;
}

double staircase_apriori_total(const std::vector<Channel>& channels, int m, const Rational& alpha, const RoundingModel& model,
                               double* approximation) {
  double approx = 0;
  for (const Channel& ch : channels) {
    const FunctionConstants fc = approx::function_constants(ch.f);
    const double eps = std::ldexp(fc.sup_abs * 1.0000001, 3 - 128);
    approx += up(rabs(ch.scale)) * staircase_bound_of(fc, m, Rational(ch.f.hi - ch.f.lo), alpha, eps) * (1 + 1e-15);
  }
  if (approximation) *approximation = approx;
  return (approx + bounds::rounding_bound(staircase_rounding_inputs(channels, m, alpha), model)) * (1 + 1e-15);
}

double rounding_bound(const SigmoidBlock& block, const RoundingModel& model, int batch) {
  return bounds::rounding_bound(rounding_inputs(block, batch), model);
}

}  // namespace loopcert::analysis
