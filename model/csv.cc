#include "model/csv.h"

#include <unicode/ucnv.h>
#include <unicode/unistr.h>

#include <memory>

#include "common/utf8.h"

namespace ibasho::model {
namespace {

const std::string_view kBom = "\xEF\xBB\xBF";

std::string Trim(std::string s) {
  auto is_space = [](const std::string& str, size_t i) {
    unsigned char c = static_cast<unsigned char>(str[i]);
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  };
  // Also trim the ideographic space U+3000 (E3 80 80) and BOM remnants.
  for (;;) {
    if (!s.empty() && is_space(s, s.size() - 1)) {
      s.pop_back();
    } else if (s.size() >= 3 && s.compare(s.size() - 3, 3, "\xE3\x80\x80") == 0) {
      s.resize(s.size() - 3);
    } else {
      break;
    }
  }
  size_t i = 0;
  for (;;) {
    if (i < s.size() && is_space(s, i)) {
      ++i;
    } else if (s.compare(i, 3, "\xE3\x80\x80") == 0 || s.compare(i, 3, kBom) == 0) {
      i += 3;
    } else {
      break;
    }
  }
  return s.substr(i);
}

}  // namespace

StatusOr<std::string> DecodeToUtf8(std::string_view bytes, std::string* encoding) {
  while (bytes.substr(0, 3) == kBom) bytes.remove_prefix(3);
  if (IsValidUtf8(bytes)) {
    if (encoding) *encoding = "utf-8";
    std::string out(bytes);
    // A BOM that went through a lossy conversion arrives as "?" before the first header.
    if (!out.empty() && out[0] == '?' && out.size() > 1 && static_cast<unsigned char>(out[1]) >= 0x80) out.erase(0, 1);
    return out;
  }
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open("windows-31j", &status), ucnv_close);
  if (U_FAILURE(status)) return Internal("no cp932 converter");
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  icu::UnicodeString u(bytes.data(), static_cast<int32_t>(bytes.size()), conv.get(), status);
  if (U_FAILURE(status)) return InvalidArgument("file is neither UTF-8 nor Shift_JIS (cp932)");
  std::string out;
  u.toUTF8String(out);
  if (encoding) *encoding = "cp932";
  return out;
}

bool CsvRow::blank() const {
  for (const auto& c : cells)
    if (!Trim(c).empty()) return false;
  return true;
}

std::vector<CsvRow> ParseCsv(std::string_view text) {
  std::vector<CsvRow> rows;
  CsvRow row;
  std::string cell;
  int line = 1;
  row.line = 1;
  bool quoted = false, at_cell_start = true, any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    any = true;
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          cell += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        cell += c;
      }
      continue;
    }
    if (c == '"' && at_cell_start) {
      quoted = true;
      at_cell_start = false;
    } else if (c == ',') {
      row.cells.push_back(std::move(cell));
      cell.clear();
      at_cell_start = true;
    } else if (c == '\r' || c == '\n') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      row.cells.push_back(std::move(cell));
      cell.clear();
      rows.push_back(std::move(row));
      row = CsvRow();
      row.line = ++line;
      at_cell_start = true;
      any = false;
    } else {
      cell += c;
      at_cell_start = false;
    }
  }
  if (any || !cell.empty()) {
    row.cells.push_back(std::move(cell));
    rows.push_back(std::move(row));
  }
  return rows;
}

std::map<std::string, size_t> HeaderIndex(const CsvRow& header) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < header.cells.size(); ++i) {
    std::string name = Trim(header.cells[i]);
    while (!name.empty() && name[0] == '?') name.erase(0, 1);
    if (!name.empty() && !index.count(name)) index[name] = i;
  }
  return index;
}

std::string CsvRecord::Get(std::initializer_list<const char*> names) const {
  for (const char* n : names) {
    auto it = index_->find(n);
    if (it == index_->end() || it->second >= row_->cells.size()) continue;
    std::string v = Trim(row_->cells[it->second]);
    if (!v.empty()) return v;
  }
  return "";
}

}  // namespace ibasho::model
