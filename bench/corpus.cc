#include "bench/corpus.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <sstream>

#include "common/taxonomy.h"
#include "common/url.h"
#include "model/group_validator.h"
#include "model/json_mapping.h"
#include "model/open_data.h"

namespace ibasho::bench {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "cannot read " << path << "\n";
    std::exit(2);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

std::string GroupKey(const registry::v1::Group& g) { return g.source() + ":" + g.external_id(); }

std::vector<registry::v1::Group> LoadRealCorpus(const std::string& source_dir, const std::string& opendata_dir) {
  std::vector<registry::v1::Group> groups;
  auto sample = nlohmann::json::parse(ReadFile(source_dir + "/data/sample/groups.json"));
  for (const auto& item : sample["groups"]) {
    registry::v1::Group g;
    if (!ParseJson(item.dump(), &g).ok()) continue;
    g.set_source(sample.value("source", "sample"));
    groups.push_back(std::move(g));
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(opendata_dir + "/kodomo-shokudo"))
    if (e.path().extension() == ".csv" && e.path().string().find("_tsuika") == std::string::npos)
      files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    std::string companion_path = path.substr(0, path.rfind('.')) + "_tsuika.csv";
    std::string companion = std::filesystem::exists(companion_path) ? ReadFile(companion_path) : "";
    auto parsed = model::ParseOpenDataCsv(ReadFile(path), path, {}, companion);
    if (!parsed.ok()) continue;
    for (auto& g : parsed->groups) groups.push_back(std::move(g));
  }
  int n = 0;
  std::vector<registry::v1::Group> out;
  for (auto& g : groups) {
    model::ApplyDefaults(&g);
    if (!model::ValidateGroup(g).ok()) continue;
    g.set_id("g" + std::to_string(++n));
    g.set_version(1);
    int k = 0;
    for (auto& a : *g.mutable_activities()) a.set_id("a" + std::to_string(n) + "_" + std::to_string(++k));
    out.push_back(std::move(g));
  }
  return out;
}

registry::v1::ChangeBatch AsChangeBatch(const std::vector<registry::v1::Group>& groups, int64_t first_cursor) {
  registry::v1::ChangeBatch batch;
  int64_t cursor = first_cursor;
  for (const auto& g : groups) {
    auto* ev = batch.add_events();
    ev->mutable_change()->set_cursor(std::to_string(cursor++));
    ev->mutable_change()->set_group_id(g.id());
    ev->mutable_change()->set_op(registry::v1::CHANGE_OP_UPSERT);
    *ev->mutable_group() = g;
  }
  return batch;
}

std::vector<FlatDoc> Flatten(const std::vector<registry::v1::Group>& groups) {
  std::vector<FlatDoc> docs;
  for (const auto& g : groups) {
    for (const auto& a : g.activities()) {
      FlatDoc d;
      d.key = GroupKey(g);
      d.activity_id = a.id();
      std::vector<std::string> parts = {g.name(),
                                        g.name_kana(),
                                        a.title(),
                                        a.description(),
                                        g.description(),
                                        a.location().name(),
                                        a.location().address(),
                                        a.schedule_text(),
                                        a.fee().text()};
      for (const auto& c : a.categories()) {
        if (const char* label = CategoryLabel(c)) parts.push_back(label);
        d.categories.push_back(c);
      }
      for (const auto& p : parts)
        if (!p.empty()) d.body += (d.body.empty() ? "" : " ") + p;
      d.municipality = a.location().municipality();
      std::set<std::string> wd;
      for (const auto& s : a.schedules())
        for (const auto& day : s.byday()) wd.insert(day);
      d.weekdays.assign(wd.begin(), wd.end());
      d.lat = a.location().lat();
      d.lon = a.location().lon();
      d.free = a.fee().free();
      docs.push_back(std::move(d));
    }
  }
  return docs;
}

}  // namespace ibasho::bench

namespace ibasho::bench {
namespace {

// Deterministic across platforms: raw mt19937_64 output and modulo, no library distributions.
class Rng {
 public:
  explicit Rng(uint64_t seed) : mt_(seed) {}
  size_t Below(size_t n) { return static_cast<size_t>(mt_() % n); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }
  bool Chance(int percent) { return Below(100) < static_cast<size_t>(percent); }

 private:
  std::mt19937_64 mt_;
};

struct Municipality {
  const char* name;
  double lat, lon;
  std::vector<std::string> towns;
};

const std::vector<Municipality>& Municipalities() {
  static const std::vector<Municipality> k = {
      {"練馬区",
       35.7356,
       139.6517,
       {"石神井町", "大泉学園町", "東大泉", "光が丘", "桜台", "豊玉北", "平和台", "関町北", "上石神井", "富士見台",
        "貫井", "谷原", "田柄", "早宮", "春日町", "旭丘"}},
      {"板橋区", 35.7512, 139.7094, {"大山町", "成増", "高島平", "常盤台", "赤塚"}},
      {"杉並区", 35.6995, 139.6364, {"高円寺南", "阿佐谷北", "荻窪", "西荻北", "方南"}},
      {"中野区", 35.7074, 139.6638, {"中野", "野方", "鷺宮", "江古田"}},
      {"豊島区", 35.7263, 139.7165, {"池袋", "巣鴨", "目白", "駒込"}},
      {"世田谷区", 35.6464, 139.6533, {"三軒茶屋", "下北沢", "経堂", "成城"}},
      {"渋谷区", 35.6640, 139.6982, {"恵比寿", "代々木", "笹塚", "本町"}},
      {"品川区", 35.6092, 139.7302, {"大井", "戸越", "五反田", "荏原"}},
      {"大田区", 35.5613, 139.7160, {"蒲田", "大森", "羽田", "田園調布"}},
      {"江東区", 35.6728, 139.8171, {"豊洲", "亀戸", "大島", "東陽"}},
      {"足立区", 35.7750, 139.8044, {"千住", "綾瀬", "竹の塚", "西新井"}},
      {"葛飾区", 35.7435, 139.8472, {"金町", "新小岩", "亀有", "立石"}},
      {"江戸川区", 35.7066, 139.8683, {"小岩", "葛西", "船堀", "瑞江"}},
      {"北区", 35.7528, 139.7335, {"赤羽", "王子", "十条", "田端"}},
      {"西東京市", 35.7255, 139.5383, {"田無町", "ひばりが丘", "保谷町", "東伏見"}},
      {"武蔵野市", 35.7178, 139.5661, {"吉祥寺本町", "中町", "境"}},
      {"三鷹市", 35.6836, 139.5595, {"下連雀", "井の頭", "深大寺"}},
      {"調布市", 35.6506, 139.5407, {"布田", "国領町", "仙川町"}},
      {"府中市", 35.6690, 139.4776, {"宮町", "分倍河原", "是政"}},
      {"八王子市", 35.6664, 139.3160, {"元本郷町", "南大沢", "高尾町"}},
      {"町田市", 35.5484, 139.4386, {"原町田", "鶴川", "成瀬"}},
      {"和光市", 35.7812, 139.6057, {"本町", "新倉", "白子"}},
      {"朝霞市", 35.7972, 139.5938, {"本町", "膝折町", "溝沼"}},
      {"新座市", 35.7935, 139.5653, {"野火止", "東北", "栗原"}},
      {"さいたま市", 35.8617, 139.6455, {"浦和区高砂", "大宮区桜木町", "南区別所"}},
      {"川口市", 35.8078, 139.7241, {"本町", "西川口", "芝"}},
      {"所沢市", 35.7996, 139.4686, {"並木", "小手指町", "東所沢"}},
      {"横浜市", 35.4437, 139.6380, {"港北区日吉", "青葉区美しが丘", "戸塚区戸塚町"}},
      {"川崎市", 35.5309, 139.7029, {"中原区小杉町", "高津区溝口", "宮前区宮崎"}},
      {"相模原市", 35.5714, 139.3734, {"中央区相模原", "南区相模大野", "緑区橋本"}},
      {"沖縄市", 26.3342, 127.8056, {"中央", "胡屋", "美里"}},
  };
  return k;
}

struct Kind {
  std::vector<std::string> names;  // orthographic variants of the kind word
  std::vector<std::string> categories;
  std::vector<std::string> sentences;  // description fragments
};

const std::vector<Kind>& Kinds() {
  static const std::vector<Kind> k = {
      {{"こども食堂", "子ども食堂", "子供食堂", "みんな食堂", "地域食堂"},
       {"kodomo_shokudo"},
       {"地元の野菜を使った手作りのごはんをみんなで食べます。", "子どもは無料、大人は300円です。",
        "ひとりでも親子でも、どなたでも来てください。", "食後は宿題をしたり遊んだりできます。",
        "お弁当の持ち帰りもできます。", "アレルギーのある方は事前にご相談ください。",
        "地域のボランティアが心をこめて作ります。", "季節の行事に合わせた特別メニューもあります。"}},
      {{"フードパントリー", "食料配布会"},
       {"kodomo_shokudo", "kosodate"},
       {"お米やレトルト食品、日用品を無料でお渡しします。", "ひとり親家庭や生活に困っているご家庭が対象です。",
        "事前の申し込みが必要です。"}},
      {{"学習支援教室", "無料塾", "寺子屋", "宿題クラブ"},
       {"gakushu"},
       {"大学生のボランティアが宿題をお手伝いします。", "算数や英語が苦手な子も、ゆっくり一緒に取り組みます。",
        "高校受験の勉強もサポートします。", "学校を休んでいる子も気軽に来てください。",
        "一人ひとりのペースに合わせて勉強を見ます。"}},
      {{"プレーパーク", "冒険遊び場", "プレイパーク", "外遊びの会"},
       {"playpark", "taiken"},
       {"木登りや泥んこ遊び、たき火など、思いっきり遊べる場所です。", "プレーリーダーが見守ります。",
        "雨の日はお休みです。", "のこぎりやかなづちを使った工作もできます。", "乳幼児の親子も遊びに来られます。"}},
      {{"居場所", "フリースペース", "たまり場", "サードプレイス"},
       {"ibasho"},
       {"家と学校以外の居場所として、誰でも自由に過ごせます。", "おしゃべりしたり、ゲームをしたり、のんびりしたり。",
        "スタッフに相談することもできます。", "中高生が放課後に立ち寄れる場所です。",
        "一人で過ごしたい人も歓迎です。"}},
      {{"フリースクール", "不登校の子の居場所", "登校拒否の子のフリースペース"},
       {"futoukou", "ibasho"},
       {"学校に行かない・行けない子どもたちが安心して過ごせます。", "在籍校と連携して出席扱いの相談にも応じます。",
        "体験活動や個別学習のプログラムがあります。", "見学はいつでも受け付けています。",
        "保護者の相談会も開いています。"}},
      {{"不登校の親の会", "登校しぶりの親の会"},
       {"futoukou", "kosodate", "soudan"},
       {"学校に行けない子どもをもつ保護者が語り合う会です。", "経験者の親が話を聞きます。",
        "進路のことも相談できます。"}},
      {{"発達相談室", "療育教室", "放課後等デイサービス", "発達支援ひろば"},
       {"hattatsu"},
       {"発達障害やグレーゾーンのお子さんの支援をしています。",
        "ことばが遅い、落ち着きがないなど、気になることをご相談ください。",
        "小集団での遊びを通してコミュニケーションを育みます。", "保護者向けのペアレントトレーニングもあります。"}},
      {{"子育てひろば", "親子の会", "ママパパサロン", "子育てサロン"},
       {"kosodate"},
       {"0歳から3歳の赤ちゃんと保護者が一緒に過ごせるひろばです。", "子育ての悩みをスタッフに相談できます。",
        "授乳室とおむつ替えスペースがあります。", "パパの参加も大歓迎です。"}},
      {{"体験教室", "自然体験クラブ", "科学あそび教室", "ものづくりクラブ"},
       {"taiken", "event"},
       {"田植えや川遊びなど、季節の自然体験をします。", "実験や工作を通して科学の面白さにふれます。",
        "親子で参加できる回もあります。"}},
      {{"子ども相談窓口", "家庭の相談室", "こどもSOS"},
       {"soudan"},
       {"子ども本人からの相談も受け付けます。", "家庭のこと、学校のこと、なんでも話してください。",
        "名前を言わなくても相談できます。"}},
      {{"ユースセンター", "若者サポート", "ひきこもり相談"},
       {"wakamono", "soudan"},
       {"10代・20代の若者が集まれる場所です。", "仕事や進路の悩みを一緒に考えます。",
        "ひきこもりがちな若者と家族の相談に応じます。"}},
  };
  return k;
}

const std::vector<std::string> kNameSuffixes = {"ひまわり", "たんぽぽ", "にこにこ",   "わくわく", "ぽかぽか",
                                                "どんぐり", "そよかぜ", "あおぞら",   "さくら",   "こもれび",
                                                "ほっと",   "みらい",   "つばさ",     "ふたば",   "きらり",
                                                "おひさま", "コスモス", "ハーモニー", "スマイル", "ゆうやけ"};
const std::vector<std::string> kWeekdays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
const std::vector<std::string> kWeekdayKanji = {"月", "火", "水", "木", "金", "土", "日"};

}  // namespace

std::vector<registry::v1::Group> SyntheticCorpus(const std::vector<registry::v1::Group>& real, size_t activities,
                                                 uint64_t seed) {
  std::vector<registry::v1::Group> out = real;
  size_t have = 0;
  for (const auto& g : out) have += g.activities_size();
  Rng rng(seed);
  size_t n = 0;
  while (have < activities) {
    ++n;
    const Municipality& m = rng.Chance(40) ? Municipalities()[0] : rng.Pick(Municipalities());
    const std::string& town = rng.Pick(m.towns);
    const Kind& kind = rng.Pick(Kinds());
    const std::string& kind_name = rng.Pick(kind.names);
    registry::v1::Group g;
    g.set_id("s" + std::to_string(n));
    g.set_source("synthetic");
    g.set_external_id(std::to_string(n));
    g.set_name(town + kind_name + rng.Pick(kNameSuffixes));
    g.set_status(registry::v1::LISTING_STATUS_PUBLISHED);
    g.set_version(1);
    g.set_verified_at("2026-04-01");
    auto* a = g.add_activities();
    a->set_id("sa" + std::to_string(n));
    a->set_title(g.name());
    a->set_status(registry::v1::LISTING_STATUS_PUBLISHED);
    for (const auto& c : kind.categories) a->add_categories(c);
    std::string desc;
    size_t target = 60 + rng.Below(190);
    while (desc.size() / 3 < target) desc += rng.Pick(kind.sentences);
    a->set_description(desc);
    auto* loc = a->mutable_location();
    loc->set_address(std::string(m.name) + town + std::to_string(1 + rng.Below(9)) + "-" +
                     std::to_string(1 + rng.Below(30)));
    loc->set_municipality(m.name);
    loc->set_town(town);
    loc->set_lat(m.lat + (static_cast<double>(rng.Below(2001)) - 1000) / 25000.0);
    loc->set_lon(m.lon + (static_cast<double>(rng.Below(2001)) - 1000) / 25000.0);
    auto* s = a->add_schedules();
    size_t day = rng.Below(7);
    s->add_byday(kWeekdays[day]);
    std::string when = "毎週" + kWeekdayKanji[day] + "曜";
    if (rng.Chance(35)) {
      int first = 1 + static_cast<int>(rng.Below(2));
      s->add_nth(first);
      s->add_nth(first + 2);
      when = "毎月第" + std::to_string(first) + "・第" + std::to_string(first + 2) + kWeekdayKanji[day] + "曜";
    } else if (rng.Chance(25)) {
      size_t day2 = (day + 2 + rng.Below(3)) % 7;
      s->add_byday(kWeekdays[day2]);
      when += "・" + kWeekdayKanji[day2] + "曜";
    }
    int hour = 9 + static_cast<int>(rng.Below(10));
    char opens[8], closes[8];
    std::snprintf(opens, sizeof opens, "%02d:00", hour);
    std::snprintf(closes, sizeof closes, "%02d:30", std::min(hour + 2, 21));
    s->set_opens(opens);
    s->set_closes(closes);
    a->set_schedule_text(when + " " + opens + "〜" + closes);
    if (rng.Chance(70)) {
      int min_age = static_cast<int>(rng.Below(13));
      a->mutable_ages()->set_min(min_age);
      a->mutable_ages()->set_max(min_age + 3 + static_cast<int>(rng.Below(10)));
    }
    bool free = rng.Chance(60);
    a->mutable_fee()->set_free(free);
    a->mutable_fee()->set_amount(free ? 0 : 100 * static_cast<int>(1 + rng.Below(5)));
    a->mutable_fee()->set_text(free ? "無料" : std::to_string(a->fee().amount()) + "円");
    auto* c = g.add_contacts();
    c->set_url("https://example.org/" + std::to_string(n));
    c->set_visibility(registry::v1::VISIBILITY_PUBLIC);
    out.push_back(std::move(g));
    ++have;
  }
  return out;
}

std::vector<LoggedQuery> QueryLog(const std::vector<registry::v1::Group>& corpus, size_t n, uint64_t seed) {
  static const std::vector<std::string> kWords = {"居場所",         "不登校", "こども食堂", "学習支援",
                                                  "プレーパーク",   "相談",   "子育て",     "発達",
                                                  "フリースクール", "体験",   "食堂",       "宿題",
                                                  "遊び場",         "無料",   "ひろば",     "療育",
                                                  "親子",           "中高生", "若者",       "フードパントリー"};
  static const std::vector<std::string> kKana = {"ふとうこう",   "こどもしょくどう", "いばしょ",   "がくしゅうしえん",
                                                 "ぷれーぱーく", "そうだん",         "こそだて",   "はったつ",
                                                 "フトウコウ",   "ふりーすくーる",   "しゅくだい", "あそびば"};
  static const std::vector<std::string> kVariants = {"子供食堂",   "子ども食堂",    "冒険遊び場",   "登校拒否",
                                                     "発達障がい", "プレイパーク",  "子供の居場所", "フリースペース",
                                                     "ﾌﾘｰｽｸｰﾙ",    "コミュニティー"};
  static const std::vector<std::string> kWorries = {"学校、行きたくない", "家と学校以外の居場所がほしい",
                                                    "おうち、辛い",       "ゆっくり勉強につき合ってくれる人いないかな",
                                                    "思いっきり遊びたい", "うちの子ちょっと個性的かな",
                                                    "おなかすいた",       "子育てがつらい",
                                                    "誰かに相談したい"};
  static const std::vector<std::string> kRare = {"囲碁",           "将棋",       "かまど",
                                                 "たこ焼き",       "スライム",   "ベーゴマ",
                                                 "沐浴",           "人形劇",     "ペアレントメンター",
                                                 "ヤングケアラー", "ネパール語", "ふたご"};
  static const std::vector<std::string> kCategories = {"futoukou", "ibasho",   "gakushu", "playpark", "kodomo_shokudo",
                                                       "hattatsu", "kosodate", "taiken",  "soudan",   "wakamono"};
  Rng rng(seed);
  std::vector<LoggedQuery> out;
  while (out.size() < n) {
    LoggedQuery q;
    size_t r = rng.Below(100);
    if (r < 22) {
      q.kind = "word";
      q.q = rng.Pick(kWords);
    } else if (r < 34) {
      q.kind = "kana";
      q.q = rng.Pick(kKana);
    } else if (r < 44) {
      q.kind = "variant";
      q.q = rng.Pick(kVariants);
    } else if (r < 62) {
      q.kind = "two_words";
      const Municipality& m = rng.Pick(Municipalities());
      q.q = rng.Chance(50) ? std::string(m.name) + " " + rng.Pick(kWords)
                           : rng.Pick(kWords) + " " + kWeekdayKanji[rng.Below(7)] + "曜";
    } else if (r < 74) {
      q.kind = "worry";
      q.q = rng.Pick(kWorries);
    } else if (r < 90) {
      q.kind = "name";
      q.q = rng.Pick(corpus).name();
    } else {
      q.kind = "rare";
      q.q = rng.Pick(kRare);
    }
    // Filters come with the searches people narrow down (words and places), not with names, and
    // people pick them from the facets they were shown: a category the words are about.
    bool filterable = q.kind == "word" || q.kind == "kana" || q.kind == "variant" || q.kind == "two_words";
    if (filterable && rng.Chance(55)) {
      size_t f = rng.Below(3);
      if (f == 0) {
        static const std::vector<std::pair<std::string, std::string>> kTopic = {
            {"不登校", "futoukou"},       {"ふとうこう", "futoukou"}, {"フリースクール", "futoukou"},
            {"登校拒否", "futoukou"},     {"居場所", "ibasho"},       {"いばしょ", "ibasho"},
            {"フリースペース", "ibasho"}, {"食堂", "kodomo_shokudo"}, {"しょくどう", "kodomo_shokudo"},
            {"学習", "gakushu"},          {"がくしゅう", "gakushu"},  {"宿題", "gakushu"},
            {"プレ", "playpark"},         {"ぷれー", "playpark"},     {"遊び", "playpark"},
            {"発達", "hattatsu"},         {"はったつ", "hattatsu"},   {"療育", "hattatsu"},
            {"子育て", "kosodate"},       {"こそだて", "kosodate"},   {"親子", "kosodate"},
            {"相談", "soudan"},           {"そうだん", "soudan"},     {"若者", "wakamono"}};
        for (const auto& [word, cat] : kTopic)
          if (q.q.find(word) != std::string::npos) {
            q.category.push_back(cat);
            break;
          }
      }
      if (f == 1) q.municipality.push_back(rng.Chance(60) ? "練馬区" : rng.Pick(Municipalities()).name);
      if (f == 2) q.weekday.push_back(rng.Pick(kWeekdays));
    }
    if (filterable && rng.Chance(12)) {
      const Municipality& m = rng.Chance(60) ? Municipalities()[0] : rng.Pick(Municipalities());
      q.has_near = true;
      q.lat = m.lat;
      q.lon = m.lon;
      q.radius_m = 3000;
    }
    out.push_back(std::move(q));
  }
  return out;
}

std::vector<LoggedQuery> PlainQueries(const std::vector<LoggedQuery>& log, size_t n) {
  std::vector<LoggedQuery> out;
  std::set<std::string> seen;
  for (const auto& q : log) {
    if (out.size() >= n) break;
    if (!seen.insert(q.q).second) continue;
    LoggedQuery plain;
    plain.kind = q.kind;
    plain.q = q.q;
    out.push_back(std::move(plain));
  }
  return out;
}

std::string IbashoSearchTarget(const LoggedQuery& q) {
  auto enc = [](const std::string& v) { return PercentEncode(v); };
  std::string t = "/v1/search?q=" + enc(q.q);
  for (const auto& v : q.category) t += "&category=" + enc(v);
  for (const auto& v : q.municipality) t += "&municipality=" + enc(v);
  for (const auto& v : q.weekday) t += "&weekday=" + v;
  if (q.has_near) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "&near=%.5f,%.5f&radius_m=%.0f", q.lat, q.lon, q.radius_m);
    t += buf;
  }
  return t;
}

}  // namespace ibasho::bench
