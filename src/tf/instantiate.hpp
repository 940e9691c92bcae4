// The scalar types whose transformer and analysis templates are compiled into the
// library (explicit instantiation, one .cpp per family, to keep builds fast).
#pragma once
#define LOOPCERT_FOR_BUILTIN_SCALARS(X) X(float) X(double) X(long double)
