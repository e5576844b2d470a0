// Formatting shared by the benchmark reports.
#ifndef IBASHO_BENCH_REPORT_H_
#define IBASHO_BENCH_REPORT_H_

#include <iomanip>
#include <sstream>
#include <string>

namespace ibasho::bench {

// v with a fixed number of decimals, as the markdown tables show it.
inline std::string Fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

}  // namespace ibasho::bench

#endif  // IBASHO_BENCH_REPORT_H_
