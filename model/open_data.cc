#include "model/open_data.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "common/normalizer.h"
#include "common/weekday.h"
#include "model/csv.h"
#include "model/group_validator.h"

namespace ibasho::model {
namespace {

using registry::v1::Activity;
using registry::v1::Group;
using registry::v1::Schedule;

std::string BaseName(const std::string& path) {
  size_t slash = path.find_last_of('/');
  std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  size_t dot = name.rfind('.');
  return dot == std::string::npos ? name : name.substr(0, dot);
}

// Weekday indexes named in text, in order of appearance, with ranges (月～金) expanded. 土曜日 is
// Saturday only (its 日 is not Sunday), and 月/日 in 毎月, 3日, 毎日, 祝日 are not weekdays.
std::vector<int> WeekdaysIn(const std::string& text) {
  auto preceded_by = [&](size_t i, std::initializer_list<const char*> words) {
    for (const char* w : words)
      if (i >= 3 && text.compare(i - 3, 3, w) == 0) return true;
    return false;
  };
  std::vector<int> found;
  std::vector<size_t> positions, ends;
  for (size_t i = 0; i < text.size();) {
    int hit = -1;
    for (int d = 0; d < 7; ++d)
      if (text.compare(i, 3, Weekdays()[d].kanji) == 0) hit = d;
    if (hit < 0) {
      ++i;
      continue;
    }
    // 3日 and 12月 are dates; 毎月, 毎日, 祝日, 平日 are not weekdays. Only 月 and 日 are ambiguous.
    bool ambiguous = hit == 0 || hit == 6;
    bool after_digit = i > 0 && std::isdigit(static_cast<unsigned char>(text[i - 1]));
    bool not_weekday =
        ambiguous && (after_digit || preceded_by(i, {"毎", "ヶ", "か", "カ", "ケ", "曜", "祝", "休", "平", "当", "翌",
                                                     "前", "一", "二", "三", "四", "五"}));
    size_t end = i + 3;
    // 月末, 月に2回, 月1回: the month.
    if (hit == 0 && (text.compare(end, 3, "末") == 0 || text.compare(end, 3, "に") == 0 ||
                     (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])))))
      not_weekday = true;
    if (text.compare(end, 6, "曜日") == 0) {
      end += 6;
      not_weekday = false;
    } else if (text.compare(end, 3, "曜") == 0) {
      end += 3;
      not_weekday = false;
    }
    if (!not_weekday) {
      found.push_back(hit);
      positions.push_back(i);
      ends.push_back(end);
    }
    i = end;
  }
  // Expand ranges such as 月~金 / 月-金 / 月から金.
  std::vector<int> out;
  for (size_t k = 0; k < found.size(); ++k) {
    if (k + 1 < found.size()) {
      std::string between = text.substr(ends[k], positions[k + 1] - ends[k]);
      if (between == "~" || between == "〜" || between == "-" || between == "から" || between == "ー") {
        for (int d = found[k]; d != found[k + 1]; d = (d + 1) % 7) out.push_back(d);
        continue;
      }
    }
    out.push_back(found[k]);
  }
  std::vector<int> unique;
  for (int d : out)
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(d);
  return unique;
}

int KanjiDigit(const std::string& s, size_t i) {
  static const char* kDigits[] = {"一", "二", "三", "四", "五"};
  for (int d = 0; d < 5; ++d)
    if (s.compare(i, 3, kDigits[d]) == 0) return d + 1;
  return 0;
}

// The week numbers in 第1・3, 第２第４, 第一 … (text normalised: digits are ASCII). Appends -1
// for 最終 / 月末. Empty when none are named.
std::vector<int> NthWeeks(const std::string& text) {
  std::vector<int> out;
  size_t at = text.find("第");
  while (at != std::string::npos) {
    size_t i = at + 3;
    for (;;) {
      if (i < text.size() && text[i] >= '1' && text[i] <= '5') {
        out.push_back(text[i] - '0');
        ++i;
      } else if (int k = KanjiDigit(text, i)) {
        out.push_back(k);
        i += 3;
      } else if (text.compare(i, 3, "・") == 0 || text.compare(i, 3, "、") == 0 || text.compare(i, 3, "と") == 0 ||
                 text.compare(i, 3, "第") == 0) {
        i += 3;
      } else if (i < text.size() && (text[i] == ',' || text[i] == ' ')) {
        ++i;
      } else {
        break;
      }
    }
    at = text.find("第", i);
  }
  if (text.find("最終") != std::string::npos || text.find("月末") != std::string::npos) out.push_back(-1);
  std::vector<int> unique;
  for (int n : out)
    if (std::find(unique.begin(), unique.end(), n) == unique.end()) unique.push_back(n);
  return unique;
}

bool ParseNumber(const std::string& s, double* out) {
  if (s.empty()) return false;
  char* end = nullptr;
  *out = std::strtod(s.c_str(), &end);
  return end && *end == '\0' && std::isfinite(*out);
}

std::string Yen(const std::string& v) {
  double d = 0;
  if (ParseNumber(v, &d)) return d == 0 ? "無料" : std::to_string(static_cast<int>(d)) + "円";
  return v;
}

std::string Join(const std::vector<std::string>& parts, const std::string& sep) {
  std::string out;
  for (const auto& p : parts) {
    if (p.empty()) continue;
    if (!out.empty()) out += sep;
    out += p;
  }
  return out;
}

std::string WeekdayText(const Schedule& s) {
  std::vector<std::string> days;
  for (const auto& code : s.byday())
    if (int d = WeekdayIndex(code); d >= 0) days.push_back(Weekdays()[d].kanji);
  std::string day_text = Join(days, "・");
  std::string prefix;
  if (s.nth_size() > 0) {
    std::vector<std::string> ns;
    for (int n : s.nth()) ns.push_back(n < 0 ? "最終" : "第" + std::to_string(n));
    prefix = "毎月" + Join(ns, "・");
  } else if (s.weeks_unknown()) {
    prefix = "";
  } else {
    prefix = "毎週";
  }
  return prefix + day_text + "曜";
}

std::string ScheduleText(const std::vector<Schedule>& schedules, const std::string& frequency,
                         const std::string& date_text, const std::string& note) {
  std::vector<std::string> parts;
  for (const auto& s : schedules) {
    std::string t = s.byday_size() > 0 ? WeekdayText(s) : "";
    if (!s.opens().empty()) t += " " + s.opens() + "〜" + s.closes();
    parts.push_back(t);
  }
  std::string text = Join(parts, "、");
  if (!frequency.empty() && !std::all_of(frequency.begin(), frequency.end(), ::isdigit))
    text = Join({frequency, text}, " ");
  bool date_explained = false;
  for (const auto& s : schedules) date_explained |= s.nth_size() > 0;
  if (!date_text.empty() && !date_explained) text = Join({date_text, text}, " ");
  return Join({text, note}, "（") + (note.empty() || text.empty() ? "" : "）");
}

// An activity's categories: those the data states, and those guessed from its words.
struct CategoryGuess {
  std::set<std::string> stated, guessed;

  void SetOn(Activity* a) const {
    std::set<std::string> all = stated;
    all.insert(guessed.begin(), guessed.end());
    for (const auto& c : all) a->add_categories(c);
    for (const auto& c : guessed)
      if (!stated.count(c)) a->add_inferred_categories(c);
  }
};

// Categories from 実施支援の主な区分 (stated: the list says so) and the words of the row (guessed).
CategoryGuess Categories(const std::string& kinds, const std::string& words, bool shokudo_list) {
  CategoryGuess cats;
  struct Rule {
    const char* word;
    const char* category;
  };
  static const Rule kRules[] = {
      {"学習支援", "gakushu"},      {"学習", "gakushu"},        {"不登校", "futoukou"},
      {"たまり場", "ibasho"},       {"居場所", "ibasho"},       {"多世代交流", "ibasho"},
      {"プレーパーク", "playpark"}, {"親子交流", "kosodate"},   {"子育て", "kosodate"},
      {"体験活動", "taiken"},       {"遊び", "taiken"},         {"フードパントリー", "kodomo_shokudo"},
      {"食堂", "kodomo_shokudo"},   {"食事", "kodomo_shokudo"}, {"ごはん", "kodomo_shokudo"},
      {"弁当", "kodomo_shokudo"},   {"発達", "hattatsu"},       {"障害", "hattatsu"},
      {"障がい", "hattatsu"},       {"相談", "soudan"},
  };
  for (const auto& r : kRules)
    if (kinds.find(r.word) != std::string::npos) cats.stated.insert(r.category);
  for (const char* w : {"食堂", "ごはん", "食事", "弁当", "フードパントリー"})
    if (words.find(w) != std::string::npos) cats.guessed.insert("kodomo_shokudo");
  // A file that lists 子ども食堂 says what a row is unless its own 区分 says otherwise.
  if (shokudo_list && cats.stated.empty()) {
    cats.stated.insert("kodomo_shokudo");
    cats.guessed.erase("kodomo_shokudo");
  }
  if (cats.stated.empty() && cats.guessed.empty()) cats.guessed.insert("ibasho");
  return cats;
}

// A stable external id for rows that carry none.
std::string HashId(const std::string& a, const std::string& b) {
  uint64_t h = 1469598103934665603ULL;
  for (char c : a + "\x1f" + b) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  }
  char buf[24];
  std::snprintf(buf, sizeof buf, "h%016llx", static_cast<unsigned long long>(h));
  return buf;
}

struct RowContext {
  const CsvRecord& r;
  ParsedFile* out;
  const OpenDataOptions& options;
};

void SetLocation(const CsvRecord& r, Activity* a, ParsedFile* out, const OpenDataOptions& options,
                 const std::string& row_municipality) {
  auto* loc = a->mutable_location();
  loc->set_address(r.Get({"住所", "所在地_連結表記", "所在地"}));
  loc->set_name(r.Get({"方書", "建物名等(方書)"}));
  loc->set_postal_code(r.Get({"郵便番号"}));
  std::string municipality = row_municipality;
  size_t gun = municipality.find("郡");
  if (gun != std::string::npos) municipality = municipality.substr(gun + 3);  // 河北郡津幡町 → 津幡町
  if (municipality.empty()) municipality = model::MunicipalityFromAddress(loc->address());
  if (municipality.empty()) municipality = options.municipality;
  loc->set_municipality(municipality);
  double lat = 0, lon = 0;
  std::string slat = r.Get({"緯度", "lat"}), slon = r.Get({"経度", "lon"});
  if (!slat.empty() || !slon.empty()) {
    if (ParseNumber(slat, &lat) && ParseNumber(slon, &lon) && lat >= 20 && lat <= 46 && lon >= 122 && lon <= 154) {
      loc->set_lat(lat);
      loc->set_lon(lon);
    } else {
      out->warnings.push_back({r.line(), "緯度/経度 \"" + slat + "," + slon + "\" is not a point in Japan; dropped"});
    }
  }
}

Activity ShokudoActivity(const CsvRecord& r, const std::string& title, const std::string& description,
                         const CategoryGuess& categories, ParsedFile* out, const OpenDataOptions& options,
                         const std::string& municipality) {
  Activity a;
  a.set_title(title);
  a.set_description(description);
  categories.SetOn(&a);
  SetLocation(r, &a, out, options, municipality);
  std::string raw_open = r.Get({"開催開始時間"}), raw_close = r.Get({"開催終了時間"});
  std::string opens = ParseTimeOfDay(raw_open), closes = ParseTimeOfDay(raw_close);
  if (!raw_open.empty() && opens.empty())
    out->warnings.push_back({r.line(), "開催開始時間 \"" + raw_open + "\" is not a time"});
  if (!raw_close.empty() && closes.empty())
    out->warnings.push_back({r.line(), "開催終了時間 \"" + raw_close + "\" is not a time"});
  if (!opens.empty() && !closes.empty() && closes <= opens) {
    out->warnings.push_back({r.line(), "開催終了時間 is not after 開催開始時間; dropped"});
    closes.clear();
  }
  std::string frequency = ibasho::Normalize(r.Get({"開催頻度"}));
  std::string date_text = r.Get({"開催日"});
  auto schedules = ParseSchedules(r.Get({"開催曜日"}), date_text, frequency, opens, closes);
  for (const auto& s : schedules) *a.add_schedules() = s;
  a.set_schedule_text(ScheduleText(schedules, frequency, date_text, r.Get({"開催日時特記事項"})));
  // Fees by age band, as published.
  const std::pair<const char*, const char*> bands[] = {{"参加費_幼児", "幼児"},
                                                       {"参加費_小学生", "小学生"},
                                                       {"参加費_中学生", "中学生"},
                                                       {"参加費_高校生", "高校生"},
                                                       {"参加費_大人", "大人"}};
  std::vector<std::string> fee_parts;
  bool any_fee = false, children_free = true, any_child_fee = false;
  int child_amount = 0;
  for (const auto& [column, label] : bands) {
    std::string v = r.Get({column});
    if (v.empty()) continue;
    any_fee = true;
    fee_parts.push_back(std::string(label) + " " + Yen(v));
    if (std::string(label) != "大人") {
      double d = 0;
      any_child_fee = true;
      if (!ParseNumber(v, &d) || d > 0) children_free = false;
      if (ParseNumber(v, &d) && d > child_amount) child_amount = static_cast<int>(d);
    }
  }
  std::string fee_note = r.Get({"参加費特記事項"});
  if (any_fee || !fee_note.empty()) {
    auto* fee = a.mutable_fee();
    fee->set_text(Join({Join(fee_parts, "・"), fee_note}, " "));
    fee->set_free(any_child_fee && children_free);
    fee->set_amount(child_amount);
  }
  a.set_reservation(Join({r.Get({"予約方法"}), r.Get({"予約特記事項"})}, " "));
  double capacity = 0;
  if (ParseNumber(r.Get({"定員"}), &capacity) && capacity > 0 && capacity < 100000)
    a.set_capacity(static_cast<int>(capacity));
  return a;
}

void AddPublicContact(const CsvRecord& r, Group* g) {
  std::string url = r.Get({"URL"});
  std::string phone = r.Get({"電話番号1", "電話番号", "ＴＥＬ", "TEL"});
  std::string email = r.Get({"メールアドレス1", "連絡先メールアドレス"});
  if (url.rfind("http", 0) == 0) g->set_website(url);
  if (url.rfind("http", 0) != 0) url.clear();
  if (url.empty() && phone.empty() && email.empty()) return;
  // Published as open data by the municipality: public by definition.
  auto* c = g->add_contacts();
  c->set_role("窓口");
  c->set_url(url);
  c->set_phone(phone);
  c->set_email(email);
  c->set_visibility(registry::v1::VISIBILITY_PUBLIC);
}

void SetKana(const CsvRecord& r, Group* g, ParsedFile* out) {
  std::string kana = r.Get({"名称_カナ"});
  if (kana.empty()) return;
  Group probe;
  probe.set_name("x");
  probe.set_status(registry::v1::LISTING_STATUS_PUBLISHED);
  probe.set_name_kana(kana);
  if (model::ValidateGroup(probe).ok()) {
    g->set_name_kana(kana);
  } else {
    out->warnings.push_back({r.line(), "名称_カナ \"" + kana + "\" is not kana; dropped"});
  }
}

// Validates a finished group; invalid groups become rejected rows with the validator's reason.
void Accept(Group g, int line, ParsedFile* out) {
  model::ApplyDefaults(&g);
  model::CleanImportedText(&g);
  Status s = model::ValidateGroup(g);
  if (!s.ok()) {
    out->rejected.push_back({line, s.message() + (s.field().empty() ? "" : " (" + s.field() + ")")});
    return;
  }
  out->groups.push_back(std::move(g));
  out->group_lines.push_back(line);
}

// Calls fn(record, name) for every data row that is not blank and has a name; counts blank rows
// and rows read, and rejects rows without a name.
void ForEachNamedRow(const std::vector<CsvRow>& rows, const std::map<std::string, size_t>& index,
                     std::initializer_list<const char*> name_columns, ParsedFile* out,
                     const std::function<void(const CsvRecord&, const std::string&)>& fn) {
  for (size_t i = 1; i < rows.size(); ++i) {
    const CsvRow& row = rows[i];
    if (row.blank()) {
      ++out->blank_rows;
      continue;
    }
    ++out->rows_read;
    CsvRecord r(&index, &row);
    std::string name = r.Get(name_columns);
    if (name.empty()) {
      out->rejected.push_back({row.line, "名称 (name) is empty"});
      continue;
    }
    fn(r, name);
  }
}

void ParseShokudo(const std::vector<CsvRow>& rows, const std::map<std::string, size_t>& index,
                  const std::vector<CsvRow>* extra_rows, const std::map<std::string, size_t>* extra_index,
                  const std::string& source, bool shokudo_list, const OpenDataOptions& options, ParsedFile* out) {
  // Extra venues/schedules by ID from the companion file.
  std::map<std::string, std::vector<const CsvRow*>> extras;
  if (extra_rows)
    for (size_t i = 1; i < extra_rows->size(); ++i) {
      CsvRecord er(extra_index, &(*extra_rows)[i]);
      if (!(*extra_rows)[i].blank() && !er.Get({"ID"}).empty()) extras[er.Get({"ID"})].push_back(&(*extra_rows)[i]);
    }
  std::set<std::string> seen_ids;
  std::map<std::string, std::pair<Group, int>> pending;  // by external id: the group and its line
  std::vector<std::string> order;
  ForEachNamedRow(rows, index, {"名称"}, out, [&](const CsvRecord& r, const std::string& name) {
    std::string id = r.Get({"ID", "NO"});
    bool has_id = !id.empty();
    if (!has_id) id = HashId(name, r.Get({"住所"}));
    if (!seen_ids.insert(id).second) {
      if (has_id) {
        out->rejected.push_back({r.line(), "ID " + id + " appears twice in the file"});
        return;
      }
      // Rows without an ID that repeat a place are more sessions of the same group (e.g. a Sunday
      // lunch and a Wednesday study evening at one address).
      auto it = pending.find(id);
      if (it != pending.end()) {
        std::string purpose = r.Get({"設置目的"});
        Activity a = ShokudoActivity(
            r, name + "（" + r.Get({"備考", "開催曜日"}) + "）", purpose,
            Categories(r.Get({"実施支援の主な区分"}), name + " " + purpose + " " + r.Get({"備考"}), shokudo_list), out,
            options, r.Get({"市区町村名"}));
        *it->second.first.add_activities() = std::move(a);
      }
      return;
    }
    Group g;
    g.set_name(name);
    SetKana(r, &g, out);
    g.set_source(source);
    g.set_external_id(id);
    std::string operator_name = r.Get({"運営団体名"});
    std::string purpose = r.Get({"設置目的"});
    std::string kinds = r.Get({"実施支援の主な区分"});
    g.set_description(Join({purpose, operator_name.empty() ? "" : "運営: " + operator_name}, " "));
    std::string school_district = r.Get({"学区"});
    bool district_is_code = std::all_of(school_district.begin(), school_district.end(), ::isdigit);
    std::string conditions = r.Get({"参加条件"});
    std::string description =
        Join({purpose, kinds.empty() ? "" : "活動: " + kinds, conditions.empty() ? "" : "参加条件: " + conditions,
              r.Get({"備考"}), district_is_code ? "" : "学区: " + school_district},
             " ");
    auto categories = Categories(kinds, name + " " + purpose + " " + r.Get({"備考"}), shokudo_list);
    std::string municipality = r.Get({"市区町村名"});
    *g.add_activities() = ShokudoActivity(r, name, description, categories, out, options, municipality);
    int extra_n = 0;
    for (const CsvRow* er_row : extras[r.Get({"ID"})]) {
      CsvRecord er(extra_index, er_row);
      std::string place = Join({er.Get({"方書"}), er.Get({"住所"})}, " ");
      Activity a =
          ShokudoActivity(er, name + "（" + (place.empty() ? "会場" + std::to_string(++extra_n) : place) + "）",
                          description, categories, out, options, municipality);
      *g.add_activities() = std::move(a);
    }
    extras.erase(r.Get({"ID"}));
    AddPublicContact(r, &g);
    order.push_back(id);
    pending[id] = {std::move(g), r.line()};
  });
  for (const auto& id : order) Accept(std::move(pending[id].first), pending[id].second, out);
  for (const auto& [id, list] : extras)
    for (const CsvRow* er : list)
      out->rejected.push_back({er->line, "companion row for ID " + id + " has no main row"});
}

// Words that mark a facility as a place for children, and the categories they imply (guessed: the
// facility lists say what a place is, not which of these categories it belongs to).
CategoryGuess FacilityCategories(const std::string& text) {
  struct Rule {
    const char* word;
    std::vector<std::string> categories;
  };
  static const std::vector<Rule> kRules = {
      {"児童館", {"ibasho", "taiken"}},
      {"児童センター", {"ibasho", "taiken"}},
      {"児童クラブ", {"ibasho", "kosodate"}},
      {"学童", {"ibasho", "kosodate"}},
      {"放課後", {"ibasho", "kosodate"}},
      {"子育て支援", {"kosodate"}},
      {"子育て", {"kosodate"}},
      {"こども", {"ibasho"}},
      {"子ども", {"ibasho"}},
      {"子供", {"ibasho"}},
      {"児童", {"ibasho"}},
      {"青少年", {"wakamono"}},
      {"ユース", {"wakamono"}},
      {"発達", {"hattatsu"}},
      {"療育", {"hattatsu"}},
      {"プレーパーク", {"playpark"}},
      {"冒険遊び場", {"playpark"}},
      {"教育相談", {"soudan"}},
      {"教育支援センター", {"soudan", "futoukou"}},
      {"適応指導", {"futoukou"}},
  };
  CategoryGuess cats;
  for (const auto& r : kRules)
    if (text.find(r.word) != std::string::npos) cats.guessed.insert(r.categories.begin(), r.categories.end());
  return cats;
}

void ParseFacilities(const std::vector<CsvRow>& rows, const std::map<std::string, size_t>& index,
                     const std::string& source, const OpenDataOptions& options, ParsedFile* out) {
  std::set<std::string> seen_ids;
  ForEachNamedRow(rows, index, {"名称", "施設名"}, out, [&](const CsvRecord& r, const std::string& name) {
    std::string kind = r.Get({"種別"});
    std::string about = Join({kind, r.Get({"説明"}), r.Get({"特記事項"})}, " ");
    auto categories = FacilityCategories(name + " " + about);
    if (categories.guessed.empty()) {
      out->skipped.push_back({r.line(), "not a place for children (名称/種別/説明 name none): " + name});
      return;
    }
    std::string id = r.Get({"ID", "NO", "_id"});
    if (id.empty()) id = HashId(name, r.Get({"住所", "所在地_連結表記", "所在地"}));
    if (!seen_ids.insert(id).second) {
      out->rejected.push_back({r.line(), "ID " + id + " appears twice in the file"});
      return;
    }
    Group g;
    g.set_name(name);
    SetKana(r, &g, out);
    g.set_source(source);
    g.set_external_id(id);
    g.set_sector("public");
    g.set_description(about);
    Activity a;
    a.set_title(name);
    a.set_description(Join({about, r.Get({"利用可能時間特記事項"}), r.Get({"備考"})}, " "));
    categories.SetOn(&a);
    SetLocation(r, &a, out, options, r.Get({"所在地_市区町村", "市区町村名"}));
    std::string opens = ParseTimeOfDay(r.Get({"開始時間"})), closes = ParseTimeOfDay(r.Get({"終了時間"}));
    if (!opens.empty() && !closes.empty() && closes <= opens) closes.clear();
    auto schedules = ParseSchedules(r.Get({"利用可能曜日"}), "", "", opens, closes);
    for (const auto& s : schedules) *a.add_schedules() = s;
    a.set_schedule_text(ScheduleText(schedules, "", "", r.Get({"利用可能時間特記事項"})));
    std::string barrier_free = r.Get({"バリアフリー情報"});
    a.set_accessibility(barrier_free);
    *g.add_activities() = std::move(a);
    AddPublicContact(r, &g);
    Accept(std::move(g), r.line(), out);
  });
}

}  // namespace

std::string DefaultSource(const std::string& path) {
  std::string base = BaseName(path);
  size_t digits = 0;
  while (digits < base.size() && std::isdigit(static_cast<unsigned char>(base[digits]))) ++digits;
  if (digits >= 5) return "opendata:" + base.substr(0, digits);
  size_t tsuika = base.find("_tsuika");
  if (tsuika != std::string::npos) base = base.substr(0, tsuika);
  return "opendata:" + base;
}

std::string ParseTimeOfDay(const std::string& raw) {
  std::string v = ibasho::Normalize(raw);
  if (v.empty()) return "";
  int pm_offset = 0;
  if (v.rfind("午後", 0) == 0) {
    pm_offset = 12;
    v = v.substr(6);
  } else if (v.rfind("午前", 0) == 0) {
    v = v.substr(6);
  }
  int h = -1, m = 0;
  double fraction = 0;
  char tail = 0;
  if (std::sscanf(v.c_str(), "%d:%d%c", &h, &m, &tail) >= 2) {
  } else if (v.find("時") != std::string::npos && std::sscanf(v.c_str(), "%d", &h) == 1) {
    size_t at = v.find("時");
    std::sscanf(v.c_str() + at + 3, "%d", &m);
  } else if (ParseNumber(v, &fraction) && fraction >= 0 && fraction < 1.25) {
    int minutes = static_cast<int>(std::lround(fraction * 24 * 60));
    h = minutes / 60;
    m = minutes % 60;
  } else {
    return "";
  }
  if (pm_offset && h < 12) h += pm_offset;
  if (h < 0 || h > 29 || m < 0 || m > 59) return "";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%02d:%02d", h, m);
  return buf;
}

std::vector<Schedule> ParseSchedules(const std::string& weekdays_raw, const std::string& dates_raw,
                                     const std::string& frequency_raw, const std::string& opens,
                                     const std::string& closes) {
  std::string weekdays = ibasho::Normalize(weekdays_raw);
  std::string dates = ibasho::Normalize(dates_raw);
  std::string frequency = ibasho::Normalize(frequency_raw);
  std::vector<int> days = WeekdaysIn(dates);
  if (days.empty()) days = WeekdaysIn(weekdays);
  if (days.empty()) return {};
  Schedule s;
  for (int d : days) s.add_byday(Weekdays()[d].code);
  std::vector<int> nth = NthWeeks(dates);
  if (nth.empty()) nth = NthWeeks(weekdays);
  for (int n : nth) s.add_nth(n);
  if (nth.empty()) {
    // Weekly unless the frequency says otherwise (月1回, 2か月に1回 …) or is an unexplained code.
    bool weekly =
        frequency.find("週") != std::string::npos || frequency.find("毎日") != std::string::npos || days.size() >= 3;
    bool monthly = frequency.find("月") != std::string::npos || dates.find("月") != std::string::npos;
    if (!weekly || monthly) s.set_weeks_unknown(true);
  }
  s.set_opens(opens);
  if (!opens.empty()) s.set_closes(closes);
  return {s};
}

StatusOr<ParsedFile> ParseOpenDataCsv(std::string_view bytes, const std::string& path, const OpenDataOptions& options,
                                      std::string_view companion) {
  ParsedFile out;
  auto text = DecodeToUtf8(bytes, &out.encoding);
  if (!text.ok()) return text.status();
  std::vector<CsvRow> rows = ParseCsv(*text);
  if (rows.empty()) return InvalidArgument(path + ": the file is empty");
  auto index = HeaderIndex(rows[0]);
  std::string source = options.source.empty() ? DefaultSource(path) : options.source;
  bool shokudo = index.count("開催曜日") || index.count("開催開始時間");
  if (shokudo) {
    out.format = "kodomo_shokudo";
    bool shokudo_list =
        BaseName(path).find("shokudo") != std::string::npos || BaseName(path).find("syokudo") != std::string::npos;
    // A main file and its _tsuika companion are read together, whichever one was named.
    std::vector<CsvRow> other_rows;
    std::map<std::string, size_t> other_index;
    if (!companion.empty()) {
      auto other = DecodeToUtf8(companion);
      if (!other.ok()) return other.status();
      other_rows = ParseCsv(*other);
      if (!other_rows.empty()) other_index = HeaderIndex(other_rows[0]);
    }
    bool this_is_tsuika = !index.count("名称");
    if (this_is_tsuika) {
      if (other_rows.empty()) return InvalidArgument(path + ": a _tsuika file needs its main file next to it");
      ParsedFile main_part;
      ParseShokudo(other_rows, other_index, &rows, &index, source, shokudo_list, options, &main_part);
      // Report in terms of this file's rows: every extra row either joined a group or was rejected.
      out.groups = std::move(main_part.groups);
      out.group_lines = std::move(main_part.group_lines);
      for (size_t i = 1; i < rows.size(); ++i) rows[i].blank() ? ++out.blank_rows : ++out.rows_read;
      for (auto& r : main_part.rejected)
        if (r.reason.find("companion row") == 0) out.rejected.push_back(r);
      out.warnings = std::move(main_part.warnings);
      return out;
    }
    ParseShokudo(rows, index, other_rows.empty() ? nullptr : &other_rows, other_rows.empty() ? nullptr : &other_index,
                 source, shokudo_list, options, &out);
    return out;
  }
  if (index.count("名称") || index.count("施設名")) {
    out.format = "facility";
    ParseFacilities(rows, index, source, options, &out);
    return out;
  }
  return InvalidArgument(path + ": unknown CSV format (no 名称/施設名 or 開催曜日 column)");
}

}  // namespace ibasho::model
