// The scalar types whose transformer and analysis templates are compiled into the
// library (explicit instantiation, one .cpp per family, to keep builds fast), and the
// evaluator's explicit instantiation, written once for every family.
#pragma once
#define LOOPCERT_FOR_BUILTIN_SCALARS(X) X(float) X(double) X(long double)
#define LOOPCERT_FOR_EMULATED_SCALARS(X) X(bf16) X(fp16) X(tf32) X(fp8e4m3) X(fp8e5m2)

// Inside namespace loopcert, after tf/transformer_impl.hpp (and after any detail::
// kernels the scalar overrides, which must be declared before that header).
#define LOOPCERT_INSTANTIATE_TRANSFORMER(T)                                     \
  template class LoopedTransformer<T>;                                          \
  template LoopedTransformer<T> instantiate<T>(const LoopSpec&, AttentionMode); \
  template LoopedTransformer<T> instantiate<T>(const LoopSpec&, AttentionMode, const Rational&); \
  template Layer<T> instantiate_layer<T>(const LayerSpec&);                     \
  template Layer<T> instantiate_layer<T>(const LayerSpec&, const Rational&);    \
  template Matrix<T> to_scalar<T>(const Matrix<Rational>&);
