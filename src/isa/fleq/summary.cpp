#include "isa/fleq/summary.hpp"

#include <mpfr.h>

#include <sstream>

namespace loopcert::isa::fleq {

std::string entry_text(const Rational& value, int digits) {
  if (boost::multiprecision::denominator(value) == 1) return boost::multiprecision::numerator(value).str();
  mpfr_t x;
  mpfr_init2(x, static_cast<mpfr_prec_t>(digits * 3.33 + 16));
  mpfr_set_q(x, value.backend().data(), MPFR_RNDN);
  char* text = nullptr;
  mpfr_asprintf(&text, "%.*Rg", digits, x);
  std::string out = text;
  mpfr_free_str(text);
  mpfr_clear(x);
  return out;
}

std::string matrix_text(const Matrix& value, int digits) {
  if (value.shape == Shape{}) return entry_text(value.entries[0], digits);
  std::string out = "[";
  for (int i = 0; i < value.shape.rows; ++i) {
    out += i ? ", [" : "[";
    for (int j = 0; j < value.shape.cols; ++j) out += (j ? ", " : "") + entry_text(value.at(i, j), digits);
    out += "]";
  }
  return out + "]";
}

std::string run_summary(const FleqProgram& program, const RunResult& run, const MachineOptions& options, int digits) {
  std::ostringstream out;
  out << "program: " << program.source << "\n";
  out << "machine: exact FLEQ (rationals; sigmoid, exp, recip, sqrt, rsqrt in MPFR at " << options.function_bits
      << " bits" << (options.table != nullptr ? "; caller-supplied functions" : "") << ")\n";
  out << "steps: " << run.steps << "\n";
  if (run.error) out << "stopped: " << run.error->message << "\n";
  else out << "halted: " << (run.halted ? "yes" : "no (the step limit ran out)") << "\n";
  out << "rounded entries: " << run.rounded_entries;
  if (run.rounded_entries > 0) {
    out << " (results beyond " << options.exact_bits_limit << " bits rounded to " << options.guard_bits << " bits)";
  }
  out << "\nmemory:\n";
  for (int i = 0; i < program.cell_count(); ++i) {
    const Cell& cell = program.cells[static_cast<std::size_t>(i)];
    out << "  " << cell.name << " = " << matrix_text(run.final_state().cells[static_cast<std::size_t>(i)], digits)
        << "\n";
  }
  return out.str();
}

}  // namespace loopcert::isa::fleq
