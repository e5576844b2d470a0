// Municipal open-data CSV files as partners upload them (any encoding, any shape).
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/open_data.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  // The first byte picks the companion split, so a _tsuika file is exercised too.
  std::string companion;
  if (!bytes.empty() && bytes[0] == '\x01') {
    size_t cut = bytes.find('\x02');
    if (cut != std::string::npos) {
      companion = bytes.substr(cut + 1);
      bytes = bytes.substr(1, cut - 1);
    }
  }
  ibasho::model::OpenDataOptions options;
  options.source = "fuzz";
  (void)ibasho::model::ParseOpenDataCsv(bytes, "fuzz.csv", options, companion);
  return 0;
}
