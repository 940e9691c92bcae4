// The one scalar dispatcher: switch on the run's ScalarSpec once and call a generic
// function with the C++ type that computes it (Boost.Math's "choose the precision once,
// then call ordinary overloads"). It also holds the one fast-path-with-exact-fallback of
// loopcert (CGAL's Filtered_predicate): mpfr:P with P <= 63 is first computed on the
// exact emulations of MPFR in double (P <= 52) or x87 long double (53..63), which are bit
// for bit MPFR and far faster; if a value left the emulation's range the whole call is
// redone with MPFR itself.
//
//   dispatch_scalar(spec, [&]<class T>(ScalarTag<T>) { return run_something<T>(...); });
//
// The callback runs with the MPFR (or narrow) precision of `spec` set for its thread.
// Callers that cannot run a type (e.g. Rational without exp) branch on ScalarTraits<T>
// inside the callback; mpfi:P (not an engine scalar) throws std::invalid_argument with
// the registry's reason.
#pragma once
#include <stdexcept>
#include <string>
#include <utility>

#include "core/emulated_float.hpp"
#include "core/narrow_mpfr.hpp"
#include "core/narrow_mpfr_ld.hpp"
#include "core/scalar.hpp"
#include "core/scalar_facts.hpp"
#include "core/scalar_name.hpp"

namespace loopcert {

template <class T>
struct ScalarTag {
  using type = T;
};

struct DispatchOptions {
  bool fast_mpfr = true;         // try the exact narrow emulation first for mpfr:P, P <= 63
  std::string* engine = nullptr; // receives how the scalar was computed ("mpfr", "double", ...)
};

template <class Fn>
decltype(auto) dispatch_scalar(const ScalarSpec& s, Fn&& fn, DispatchOptions options = {}) {
  auto said = [&](const char* engine) {
    if (options.engine) *options.engine = engine;
  };
  switch (s.kind) {
    case ScalarKind::Float: said("float"); return fn(ScalarTag<float>{});
    case ScalarKind::Double: said("double"); return fn(ScalarTag<double>{});
    case ScalarKind::LongDouble: said("long-double"); return fn(ScalarTag<long double>{});
    case ScalarKind::Float128: said("float128"); return fn(ScalarTag<Float128>{});
    case ScalarKind::Bf16: said("bf16"); return fn(ScalarTag<bf16>{});
    case ScalarKind::Fp16: said("fp16"); return fn(ScalarTag<fp16>{});
    case ScalarKind::Tf32: said("tf32"); return fn(ScalarTag<tf32>{});
    case ScalarKind::Fp8e4m3: said("fp8e4m3"); return fn(ScalarTag<fp8e4m3>{});
    case ScalarKind::Fp8e5m2: said("fp8e5m2"); return fn(ScalarTag<fp8e5m2>{});
    case ScalarKind::Exact: said("exact"); return fn(ScalarTag<Rational>{});
    case ScalarKind::Mpfr: {
      if (options.fast_mpfr && s.precision <= kNarrowLongMaxPrecision) {
        NarrowPrecisionScope scope(static_cast<int>(s.precision));
        auto fast = s.precision <= kNarrowMaxPrecision ? fn(ScalarTag<NarrowMpfr>{}) : fn(ScalarTag<NarrowMpfrLD>{});
        if (!NarrowPrecisionScope::left_range()) {
          said(s.precision <= kNarrowMaxPrecision ? "mpfr (emulated exactly in double)" : "mpfr (emulated exactly in long double)");
          return fast;
        }
      }
      MpfrPrecisionScope scope(s.precision);
      said("mpfr");
      return fn(ScalarTag<MpfrReal>{});
    }
    case ScalarKind::Mpfi: break;
  }
  throw std::invalid_argument(scalar_facts(s).not_runnable.empty() ? "scalar '" + s.name() + "' is not available here"
                                                                    : scalar_facts(s).not_runnable);
}

}  // namespace loopcert
