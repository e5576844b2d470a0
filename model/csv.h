// CSV as municipalities publish it: UTF-8 with or without BOM (even doubled or mangled to "?"),
// Shift_JIS/cp932 detected, CRLF or LF, quoted fields with embedded newlines (RFC 4180).
#ifndef IBASHO_MODEL_CSV_H_
#define IBASHO_MODEL_CSV_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace ibasho::model {

// Returns UTF-8 text: BOMs removed; bytes that are not valid UTF-8 are decoded as cp932.
// *encoding receives "utf-8" or "cp932". InvalidArgument when neither decodes.
StatusOr<std::string> DecodeToUtf8(std::string_view bytes, std::string* encoding = nullptr);

struct CsvRow {
  int line = 0;  // 1-based line number where the record starts
  std::vector<std::string> cells;
  bool blank() const;  // every cell empty or whitespace
};

// Parses RFC 4180 CSV (lenient about stray quotes inside unquoted fields).
std::vector<CsvRow> ParseCsv(std::string_view text);

// A row addressed by header name; missing columns read as "".
class CsvRecord {
 public:
  CsvRecord(const std::map<std::string, size_t>* index, const CsvRow* row) : index_(index), row_(row) {}
  // The trimmed value of the first of the named columns that exists and is non-empty.
  std::string Get(std::initializer_list<const char*> names) const;
  int line() const { return row_->line; }

 private:
  const std::map<std::string, size_t>* index_;
  const CsvRow* row_;
};

// Header cell → column, with names trimmed of spaces and stray BOM characters.
std::map<std::string, size_t> HeaderIndex(const CsvRow& header);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_CSV_H_
