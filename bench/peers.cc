#include "bench/peers.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace ibasho::bench {
namespace {

std::string Joined(const std::vector<std::string>& v) {
  std::string out = " ";
  for (const auto& s : v) out += s + " ";
  return out;
}

// Whitespace (ASCII or ideographic) separated words of a query, as typed.
std::vector<std::string> Words(const std::string& q) {
  std::vector<std::string> out;
  std::string cur;
  for (size_t i = 0; i < q.size();) {
    if (q[i] == ' ' || q[i] == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      ++i;
    } else if (q.compare(i, 3, "\u3000") == 0) {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
      i += 3;
    } else {
      cur += q[i++];
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

struct Box {
  double lat0, lat1, lon0, lon1;
};
Box BoundingBox(const PeerQuery& q) {
  double dlat = q.radius_m / 111320.0;
  double dlon = q.radius_m / (111320.0 * std::cos(q.lat * M_PI / 180));
  return {q.lat - dlat, q.lat + dlat, q.lon - dlon, q.lon + dlon};
}

std::string GroongaQuote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

search::v1::SearchRequest ToSearchRequest(const PeerQuery& q) {
  search::v1::SearchRequest r;
  r.set_q(q.q);
  for (const auto& v : q.category) r.add_category(v);
  for (const auto& v : q.municipality) r.add_municipality(v);
  for (const auto& v : q.weekday) r.add_weekday(v);
  if (q.has_near) {
    r.set_has_near(true);
    r.set_lat(q.lat);
    r.set_lon(q.lon);
    r.set_radius_m(q.radius_m);
  }
  r.set_page_size(10);
  return r;
}

Fts5Engine::Fts5Engine(const std::string& path)
    : db_(std::make_unique<SQLite::Database>(path, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE)) {
  db_->exec("CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(key UNINDEXED, body, tokenize='trigram')");
  db_->exec(
      "CREATE TABLE IF NOT EXISTS meta(rowid INTEGER PRIMARY KEY, cats TEXT, municipality TEXT, weekdays TEXT, lat "
      "REAL, lon REAL)");
}

Fts5Engine::~Fts5Engine() = default;

void Fts5Engine::Load(const std::vector<FlatDoc>& docs) {
  SQLite::Transaction tx(*db_);
  SQLite::Statement ins(*db_, "INSERT INTO docs(rowid, key, body) VALUES (?, ?, ?)");
  SQLite::Statement meta(*db_,
                         "INSERT INTO meta(rowid, cats, municipality, weekdays, lat, lon) VALUES (?, ?, ?, ?, ?, ?)");
  int64_t id = 0;
  for (const auto& d : docs) {
    ++id;
    ins.bind(1, id);
    ins.bind(2, d.key);
    ins.bind(3, d.body);
    ins.exec();
    ins.reset();
    meta.bind(1, id);
    meta.bind(2, Joined(d.categories));
    meta.bind(3, d.municipality);
    meta.bind(4, Joined(d.weekdays));
    meta.bind(5, d.lat);
    meta.bind(6, d.lon);
    meta.exec();
    meta.reset();
  }
  tx.commit();
}

PeerHits Fts5Engine::Search(const PeerQuery& q, bool facets) {
  PeerHits hits;
  std::string match;
  for (const auto& w : Words(q.q)) {
    std::string quoted = "\"";
    for (char c : w) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    match += (match.empty() ? "" : " ") + quoted + "\"";
  }
  std::string where;
  std::vector<std::string> binds;
  auto any_of = [&](const char* column, const std::vector<std::string>& values, bool padded) {
    if (values.empty()) return;
    std::string clause;
    for (const auto& v : values) {
      clause += std::string(clause.empty() ? "" : " OR ") +
                (padded ? std::string("instr(m.") + column + ", ?) > 0" : std::string("m.") + column + " = ?");
      binds.push_back(padded ? " " + v + " " : v);
    }
    where += " AND (" + clause + ")";
  };
  any_of("cats", q.category, true);
  any_of("municipality", q.municipality, false);
  any_of("weekdays", q.weekday, true);
  if (q.has_near && q.radius_m > 0) {
    Box b = BoundingBox(q);
    char buf[200];
    std::snprintf(buf, sizeof buf, " AND m.lat BETWEEN %.6f AND %.6f AND m.lon BETWEEN %.6f AND %.6f", b.lat0, b.lat1,
                  b.lon0, b.lon1);
    where += buf;
  }
  std::string from = match.empty() ? "FROM meta m JOIN docs d ON d.rowid = m.rowid WHERE 1=1"
                                   : "FROM docs d JOIN meta m ON m.rowid = d.rowid WHERE docs MATCH ?";
  try {
    auto bind_all = [&](SQLite::Statement& st) {
      int i = 1;
      if (!match.empty()) st.bind(i++, match);
      for (const auto& b : binds) st.bind(i++, b);
    };
    SQLite::Statement st(*db_, "SELECT d.key " + from + where + (match.empty() ? "" : " ORDER BY bm25(docs)") +
                                   " LIMIT " + std::to_string(q.limit));
    bind_all(st);
    while (st.executeStep()) hits.keys.push_back(st.getColumn(0).getString());
    SQLite::Statement count(*db_, "SELECT COUNT(*) " + from + where);
    bind_all(count);
    if (count.executeStep()) hits.total = count.getColumn(0).getInt();
    if (facets) {
      SQLite::Statement cats(*db_, "SELECT m.cats, COUNT(*) " + from + where + " GROUP BY m.cats");
      bind_all(cats);
      while (cats.executeStep()) {
      }
      SQLite::Statement munis(*db_, "SELECT m.municipality, COUNT(*) " + from + where + " GROUP BY m.municipality");
      bind_all(munis);
      while (munis.executeStep()) {
      }
    }
  } catch (const std::exception&) {
    hits.error = true;
  }
  return hits;
}

std::vector<std::pair<std::string, std::string>> GroongaSelectParams(const PeerQuery& q) {
  std::vector<std::pair<std::string, std::string>> p = {{"table", "Docs"}};
  if (!Words(q.q).empty()) {
    p.emplace_back("match_columns", "body");
    p.emplace_back("query", q.q);
  }
  std::vector<std::string> filters;
  auto any_of = [&](const char* column, const std::vector<std::string>& values, const char* op) {
    if (values.empty()) return;
    std::string clause;
    for (const auto& v : values)
      clause += std::string(clause.empty() ? "" : " || ") + column + " " + op + " " + GroongaQuote(v);
    filters.push_back("(" + clause + ")");
  };
  any_of("cats", q.category, "@");
  any_of("municipality", q.municipality, "==");
  any_of("weekdays", q.weekday, "@");
  if (q.has_near && q.radius_m > 0) {
    Box b = BoundingBox(q);
    char buf[200];
    std::snprintf(buf, sizeof buf, "lat >= %.6f && lat <= %.6f && lon >= %.6f && lon <= %.6f", b.lat0, b.lat1, b.lon0,
                  b.lon1);
    filters.push_back(buf);
  }
  std::string filter;
  for (const auto& f : filters) filter += (filter.empty() ? "" : " && ") + f;
  if (!filter.empty()) p.emplace_back("filter", filter);
  p.emplace_back("output_columns", "key,_score");
  if (!Words(q.q).empty()) p.emplace_back("sort_keys", "-_score");
  p.emplace_back("limit", std::to_string(q.limit));
  p.emplace_back("drilldowns[cat].keys", "cat_list");
  p.emplace_back("drilldowns[muni].keys", "municipality");
  return p;
}

std::string GroongaSchemaAndLoad(const std::vector<FlatDoc>& docs, const std::string& tokenizer) {
  std::string out =
      "table_create Docs TABLE_NO_KEY\n"
      "column_create Docs key COLUMN_SCALAR ShortText\n"
      "column_create Docs body COLUMN_SCALAR Text\n"
      "column_create Docs cats COLUMN_SCALAR ShortText\n"
      "column_create Docs cat_list COLUMN_VECTOR ShortText\n"
      "column_create Docs municipality COLUMN_SCALAR ShortText\n"
      "column_create Docs weekdays COLUMN_SCALAR ShortText\n"
      "column_create Docs lat COLUMN_SCALAR Float\n"
      "column_create Docs lon COLUMN_SCALAR Float\n"
      "table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer " +
      tokenizer +
      " --normalizer NormalizerAuto\n"
      "column_create Terms body_index COLUMN_INDEX|WITH_POSITION Docs body\n"
      "load --table Docs\n[\n";
  for (size_t i = 0; i < docs.size(); ++i) {
    const auto& d = docs[i];
    nlohmann::json j = {{"key", d.key},
                        {"body", d.body},
                        {"cats", Joined(d.categories)},
                        {"cat_list", d.categories},
                        {"municipality", d.municipality},
                        {"weekdays", Joined(d.weekdays)},
                        {"lat", d.lat},
                        {"lon", d.lon}};
    out += j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + (i + 1 < docs.size() ? ",\n" : "\n");
  }
  return out + "]\n";
}

PeerHits ParseGroongaSelect(const std::string& line) {
  PeerHits hits;
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_array() || j.size() < 2 || j[0][0] != 0) {
    hits.error = true;
    return hits;
  }
  const auto& result = j[1][0];
  hits.total = result[0][0];
  for (size_t i = 2; i < result.size(); ++i) hits.keys.push_back(result[i][0]);
  return hits;
}

std::vector<PeerHits> RunGroongaBatch(const std::vector<FlatDoc>& docs, const std::vector<PeerQuery>& queries,
                                      const std::string& tokenizer, const std::string& workdir) {
  std::filesystem::remove_all(workdir);
  std::filesystem::create_directories(workdir);
  std::string commands = GroongaSchemaAndLoad(docs, tokenizer);
  for (const auto& q : queries) {
    std::string cmd = "select";
    for (const auto& [k, v] : GroongaSelectParams(q)) cmd += " --" + k + " " + GroongaQuote(v);
    commands += cmd + "\n";
  }
  std::ofstream(workdir + "/commands.grn") << commands;
  std::string shell =
      "groonga -n " + workdir + "/db < " + workdir + "/commands.grn > " + workdir + "/out.txt 2>/dev/null";
  if (std::system(shell.c_str()) != 0) return std::vector<PeerHits>(queries.size(), PeerHits{{}, 0, true});
  std::ifstream out(workdir + "/out.txt");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(out, line)) lines.push_back(line);
  // One output line per command: the selects are the last queries.size() lines.
  std::vector<PeerHits> hits;
  size_t first = lines.size() >= queries.size() ? lines.size() - queries.size() : 0;
  for (size_t i = first; i < lines.size(); ++i) hits.push_back(ParseGroongaSelect(lines[i]));
  hits.resize(queries.size(), PeerHits{{}, 0, true});
  return hits;
}

}  // namespace ibasho::bench
