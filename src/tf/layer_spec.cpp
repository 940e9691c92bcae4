#include "tf/layer_spec.hpp"

#include <algorithm>
#include <stdexcept>

namespace loopcert {

void SparseSpec::add(int row, int col, const Rational& value) {
  if (row < 0 || row >= rows || col < 0 || col >= cols)
    throw std::out_of_range("sparse entry (" + std::to_string(row) + ", " + std::to_string(col) + ") outside " +
                            std::to_string(rows) + " x " + std::to_string(cols));
  if (value != 0) entries.push_back({row, col, value});
}

int FfnSpec::add_unit(const Rational& bias, const std::vector<std::pair<int, Rational>>& inputs) {
  int unit = hidden++;
  w1.rows = hidden;
  w2.cols = hidden;
  b1.push_back(bias);
  for (const auto& [col, w] : inputs) w1.add(unit, col, w);
  return unit;
}

void FfnSpec::add_output(int row, int unit, const Rational& weight) { w2.add(row, unit, weight); }

void FfnSpec::add_bias(int row, const Rational& value) {
  if (value != 0) b2.emplace_back(row, value);
}

LayerSpec::LayerSpec(std::string name_, int d_) : name(std::move(name_)), d(d_) {
  ffn.w1 = {0, d_, {}};
  ffn.w2 = {d_, 0, {}};
}

HeadSpec& LayerSpec::add_head(const std::string& head_name, int key_dim) {
  HeadSpec h;
  h.name = head_name;
  h.key_dim = key_dim;
  h.query = {key_dim, d, {}};
  h.key = {key_dim, d, {}};
  h.value = {d, d, {}};
  heads.push_back(std::move(h));
  return heads.back();
}

void LayerSpec::merge(const LayerSpec& other) {
  if (other.d != d) throw std::logic_error("merging layers of different widths");
  for (const auto& w : other.writes)
    if (writes.count(w))
      throw std::logic_error("blocks '" + name + "' and '" + other.name + "' both write row block '" + w + "'");
  if (!other.heads.empty() && !heads.empty() && (other.lambda != lambda || other.scale != scale))
    throw std::logic_error("merging heads with different temperatures");
  if (!other.heads.empty()) {
    lambda = other.lambda;
    scale = other.scale;
  }
  for (const auto& h : other.heads) heads.push_back(h);
  int shift = ffn.hidden;
  for (int u = 0; u < other.ffn.hidden; ++u) {
    std::vector<std::pair<int, Rational>> inputs;
    for (const auto& e : other.ffn.w1.entries)
      if (e.row == u) inputs.emplace_back(e.col, e.value);
    ffn.add_unit(other.ffn.b1[u], inputs);
  }
  for (const auto& e : other.ffn.w2.entries) ffn.add_output(e.row, e.col + shift, e.value);
  for (const auto& [row, v] : other.ffn.b2) ffn.add_bias(row, v);
  reads.insert(other.reads.begin(), other.reads.end());
  writes.insert(other.writes.begin(), other.writes.end());
  for (const auto& b : other.blocks.empty() ? std::vector<std::string>{other.name} : other.blocks) blocks.push_back(b);
}

int LoopSpec::head_count() const {
  int total = 0;
  for (const auto& l : layers) total += static_cast<int>(l.heads.size());
  return total;
}

int LoopSpec::max_heads_per_layer() const {
  int most = 0;
  for (const auto& l : layers) most = std::max(most, static_cast<int>(l.heads.size()));
  return most;
}

int LoopSpec::hidden_units() const {
  int total = 0;
  for (const auto& l : layers) total += l.ffn.hidden;
  return total;
}

}  // namespace loopcert
