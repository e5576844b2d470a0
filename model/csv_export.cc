#include "model/csv_export.h"

#include <string_view>

#include "common/taxonomy.h"
#include "model/json_mapping.h"

namespace ibasho::model {
namespace {

// A cell Excel or LibreOffice would read as a formula (=, +, -, @, or a tab or carriage return
// before one) is prefixed with an apostrophe, so it shows as text and never runs.
std::string Defused(const std::string& v) {
  if (!v.empty() && std::string_view("=+-@\t\r").find(v[0]) != std::string_view::npos) return "'" + v;
  return v;
}

std::string Cell(const std::string& raw) {
  std::string v = Defused(raw);
  bool quote = v.find_first_of(",\"\r\n") != std::string::npos;
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string Row(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) out += (i ? "," : "") + Cell(cells[i]);
  return out + "\r\n";
}

}  // namespace

std::string CsvHeader() {
  return "\xEF\xBB\xBF" + Row({"団体ID", "団体名", "団体名カナ", "状態",   "最終確認日", "出典",  "外部ID",
                               "版",     "活動ID", "活動名",     "分類",   "市区町村",   "住所",  "緯度",
                               "経度",   "日時",   "対象年齢",   "参加費", "説明",       "連絡先"});
}

std::string GroupCsvRows(const registry::v1::Group& g) {
  std::string out;
  std::string contacts;
  for (const auto& c : g.contacts()) {
    std::string one = c.name();
    for (const std::string* v : {&c.role(), &c.phone(), &c.email(), &c.url()})
      if (!v->empty()) one += (one.empty() ? "" : " ") + *v;
    contacts += (contacts.empty() ? "" : " / ") + one + "［" + EnumWord(c.visibility()) + "］";
  }
  auto base = [&](const std::string& aid, const std::string& title) {
    return std::vector<std::string>{g.id(),
                                    g.name(),
                                    g.name_kana(),
                                    EnumWord(g.status()),
                                    g.verified_at(),
                                    g.source(),
                                    g.external_id(),
                                    std::to_string(g.version()),
                                    aid,
                                    title};
  };
  if (g.activities_size() == 0) {
    auto row = base("", "");
    row.resize(19);
    row.push_back(contacts);
    out += Row(row);
  }
  for (const auto& a : g.activities()) {
    auto row = base(a.id(), a.title());
    std::string cats;
    for (const auto& c : a.categories())
      cats += (cats.empty() ? "" : "・") + std::string(CategoryLabel(c) ? CategoryLabel(c) : c);
    std::string ages =
        a.has_ages() ? std::to_string(a.ages().min()) + "〜" + (a.ages().max() ? std::to_string(a.ages().max()) : "")
                     : "";
    bool located = a.location().lat() != 0 || a.location().lon() != 0;
    for (const std::string& v :
         {cats, a.location().municipality(), a.location().address(), located ? std::to_string(a.location().lat()) : "",
          located ? std::to_string(a.location().lon()) : "", a.schedule_text(), ages, a.fee().text(), a.description(),
          contacts})
      row.push_back(v);
    out += Row(row);
  }
  return out;
}

std::string GroupsToCsv(const std::vector<registry::v1::Group>& groups) {
  std::string out = CsvHeader();
  for (const auto& g : groups) out += GroupCsvRows(g);
  return out;
}

}  // namespace ibasho::model
