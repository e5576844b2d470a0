#include "services/gateway/guide_page.h"

#include <algorithm>
#include <optional>
#include <tuple>

#include "common/civil_date.h"
#include "common/html.h"
#include "common/taxonomy.h"
#include "common/utf8.h"
#include "services/gateway/qr_svg.h"

namespace ibasho::gateway {
namespace {

using search::v1::SearchResult;

bool StartsWithAny(std::string_view s, std::initializer_list<std::string_view> prefixes) {
  for (std::string_view p : prefixes)
    if (s.starts_with(p)) return true;
  return false;
}

// The position in the taxonomy (unknown codes last), so sections follow the vocabulary's order.
size_t CategoryRank(const std::string& code) {
  const auto& all = Categories();
  for (size_t i = 0; i < all.size(); ++i)
    if (code == all[i].code) return i;
  return all.size();
}

std::string AgesText(const registry::v1::AgeRange& a) {
  if (a.min() == 0 && a.max() == 0) return "";
  if (a.max() == 0 || a.max() >= 99) return std::to_string(a.min()) + "歳から";
  if (a.min() == 0) return std::to_string(a.max()) + "歳まで";
  return std::to_string(a.min()) + "〜" + std::to_string(a.max()) + "歳";
}

std::string FeeText(const registry::v1::Fee& f) {
  if (!f.text().empty()) return f.text();
  if (f.free()) return "無料";
  if (f.amount() > 0) return std::to_string(f.amount()) + "円";
  return "";
}

void AddRow(std::string* out, const char* term, const std::string& html) {
  if (html.empty()) return;
  *out += "<dt>";
  *out += term;
  *out += "</dt><dd>" + html + "</dd>";
}

void RenderListing(const SearchResult& r, const GuideOptions& options, std::string* out) {
  const std::string url = options.public_url + "/a/" + r.activity_id();
  *out += "<article class=\"listing\"><div class=\"text\"><h4>" + HtmlEscape(r.title()) + "</h4>";
  if (!r.group_name().empty() && r.group_name() != r.title())
    *out += "<p class=\"group\">" + HtmlEscape(r.group_name()) + "</p>";
  if (!r.summary().empty()) *out += "<p class=\"summary\">" + HtmlEscape(r.summary()) + "</p>";
  *out += "<dl>";
  std::string when = HtmlEscape(r.schedule_text());
  if (!r.next_occurrence().empty())
    when += (when.empty() ? "" : "<br>") + std::string("次回 ") + HtmlEscape(JapaneseDateTime(r.next_occurrence()));
  AddRow(out, "日時", when);
  AddRow(out, "場所", HtmlEscape(r.address()));
  AddRow(out, "対象", HtmlEscape(AgesText(r.ages())));
  AddRow(out, "費用", HtmlEscape(FeeText(r.fee())));
  std::string contact;
  for (const std::string& c : {r.contact().phone(), r.contact().email(), r.contact().url()})
    if (!c.empty()) contact += (contact.empty() ? "" : "<br>") + HtmlEscape(c);
  AddRow(out, "連絡先", contact);
  *out += "</dl></div>";
  if (auto qr = QrSvg(url, r.title() + " の詳しい情報 " + url))
    *out += "<figure>" + *qr + "<figcaption>詳しくは<br>こちら</figcaption></figure>";
  *out += "</article>";
}

}  // namespace

const std::string& GuideStyle() {
  static const std::string kStyle =
      "@page{size:A4;margin:12mm}"
      "body{font-family:sans-serif;color:#111;margin:0 auto;max-width:186mm;font-size:10.5pt;line-height:1.45}"
      "header{border-bottom:2px solid #1f5f8b;margin-bottom:4mm}h1{font-size:17pt;margin:0 0 1mm}"
      "header p{margin:0;font-size:9pt;color:#333}"
      "h2{font-size:14pt;background:#e8f1f7;padding:1mm 2mm;margin:5mm 0 2mm;break-after:avoid}"
      "h3{font-size:12pt;border-left:4px solid #1f5f8b;padding-left:2mm;margin:3mm 0 2mm;break-after:avoid}"
      ".listing{display:flex;gap:3mm;justify-content:space-between;border:1px solid #bbb;border-radius:2mm;"
      "padding:2mm 3mm;margin:0 0 2mm;break-inside:avoid}"
      ".listing h4{font-size:11pt;margin:0}.group,.summary{margin:0;font-size:9pt;color:#333}"
      "dl{display:grid;grid-template-columns:4.5em 1fr;margin:1mm 0 0;font-size:9.5pt}dt{font-weight:bold}dd{margin:0}"
      "figure{margin:0;text-align:center;font-size:7.5pt;flex:none}"
      ".qr{display:block}.empty{font-size:12pt;margin:10mm 0}"
      "footer{margin-top:4mm;font-size:8.5pt;color:#333;border-top:1px solid #bbb;padding-top:2mm}";
  return kStyle;
}

std::string TownOf(const std::string& address, const std::string& municipality) {
  std::string_view rest = address;
  if (size_t at = municipality.empty() ? std::string::npos : rest.find(municipality); at != std::string::npos)
    rest.remove_prefix(at + municipality.size());
  else
    return "";
  std::string town;
  while (!rest.empty()) {
    if (StartsWithAny(rest, {"0",  "1",  "2",  "3",  "4",  "5",    "6",  "7", "8",  "9",  "０", "１", "２", "３", "４",
                             "５", "６", "７", "８", "９", "丁目", "番", "-", "－", "ー", " ",  "　", "、", "（", "("}))
      break;
    size_t len = Utf8SequenceLength(static_cast<unsigned char>(rest[0]));
    town.append(rest.substr(0, len));
    rest.remove_prefix(std::min(len, rest.size()));
  }
  // 「光が丘七丁目」: kanji numerals before 丁目 are not part of the name.
  if (rest.starts_with("丁目"))
    while (!town.empty() && StartsWithAny(std::string_view(town).substr(town.size() >= 3 ? town.size() - 3 : 0),
                                          {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}))
      town.resize(town.size() - 3);
  return town;
}

std::string RenderGuide(const std::vector<SearchResult>& listings, const GuideOptions& options) {
  // Area (municipality, town), then category in taxonomy order, then title.
  using Key = std::tuple<std::string, std::string, size_t, std::string>;
  std::vector<std::pair<Key, const SearchResult*>> sorted;
  for (const SearchResult& r : listings) {
    std::string category = r.categories().empty() ? "" : r.categories(0);
    sorted.push_back(
        {{r.municipality(), TownOf(r.address(), r.municipality()), CategoryRank(category), r.title()}, &r});
  }
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  const std::string title = "子ども・子育て 地域の支援ガイド";
  std::string out =
      "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
      "content=\"width=device-width,initial-scale=1\"><title>" +
      HtmlEscape(title + (options.conditions.empty() ? "" : "（" + options.conditions + "）")) + "</title><style>" +
      GuideStyle() + "</style></head><body><header><h1>" + HtmlEscape(title) + "</h1><p>" +
      HtmlEscape((options.conditions.empty() ? std::string("すべての掲載") : options.conditions) + "・" +
                 std::to_string(listings.size()) + "件・" + options.generated_on + " 作成") +
      "</p><p>最新の情報と検索: " + HtmlEscape(options.public_url) + "/</p></header><main>";
  if (sorted.empty()) out += "<p class=\"empty\">この条件に合う掲載はありません。条件を減らしてお試しください。</p>";
  std::optional<std::string> area, category;  // the sections open now
  for (const auto& [key, r] : sorted) {
    const auto& [municipality, town, rank, unused_title] = key;
    std::string this_area = municipality + (town.empty() ? "" : " " + town);
    std::string this_category = r->categories().empty() ? "" : r->categories(0);
    if (area != this_area) {
      if (category) out += "</section>";
      if (area) out += "</section>";
      area = this_area;
      category.reset();
      out += "<section class=\"area\"><h2>" + HtmlEscape(this_area.empty() ? "地域の記載なし" : this_area) + "</h2>";
    }
    if (category != this_category) {
      if (category) out += "</section>";
      category = this_category;
      const char* label = CategoryLabel(this_category);
      out += "<section class=\"category\"><h3>" + HtmlEscape(label ? label : "その他") + "</h3>";
    }
    RenderListing(*r, options, &out);
  }
  if (category) out += "</section>";
  if (area) out += "</section>";
  out += "</main><footer>";
  if (options.truncated) out += "<p>掲載が多いため一部のみ印刷しています。地域や分野で絞り込んでください。</p>";
  out +=
      "<p>"
      "掲載内容は変わることがあります。お出かけの前に各団体へご確認ください。QRコードから最新の情報をご覧いただけます。"
      "</p>"
      "</footer></body></html>";
  return out;
}

}  // namespace ibasho::gateway
