#include "core/mpfr_real.hpp"

#include <cstdio>

namespace loopcert {

std::string MpfrReal::str(int digits) const {
  char* text = nullptr;
  mpfr_asprintf(&text, "%.*Rg", digits, v_);
  std::string out = text ? text : "";
  mpfr_free_str(text);
  return out;
}

}  // namespace loopcert
