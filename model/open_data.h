// Turns municipal open-data CSV files into registry groups, exactly as municipalities publish them:
//   * こども食堂 標準データ項目 (49 columns; first column 全国地方公共団体コード or NO), with its
//     companion *_tsuika.csv (extra venues and schedules keyed by ID) merged in;
//   * facility lists: 公共施設一覧 推奨データセット, 児童館 and 放課後児童クラブ lists (only places
//     for children are imported; other facilities are reported as skipped).
// Each file yields groups keyed by (source, external_id) plus a line-numbered account of every row
// that did not become a group. Pure functions; thread-safe.
#ifndef IBASHO_MODEL_OPEN_DATA_H_
#define IBASHO_MODEL_OPEN_DATA_H_

#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::model {

struct RowIssue {
  int line = 0;
  std::string reason;
};

struct ParsedFile {
  std::string format;    // kodomo_shokudo | facility
  std::string encoding;  // utf-8 | cp932
  int rows_read = 0;     // data rows that are not blank
  int blank_rows = 0;    // skipped: every cell empty
  std::vector<registry::v1::Group> groups;
  std::vector<int> group_lines;    // the line each group came from
  std::vector<RowIssue> rejected;  // rows that could not become a group, with the reason
  std::vector<RowIssue> skipped;   // rows deliberately not imported (e.g. not a place for children)
  std::vector<RowIssue> warnings;  // values dropped from imported rows, with the reason
};

struct OpenDataOptions {
  std::string source;        // empty: derived from the file name (see DefaultSource)
  std::string municipality;  // used when a row names none and its address has none
};

// "…/131202_nerimaku_kodomosyokudo.csv" → "opendata:131202"; files without a leading code use
// their name: "opendata:saitama_pref_kodomoshokudo_ichiran". A *_tsuika file maps to its main file's.
std::string DefaultSource(const std::string& path);

// Parses one file. companion is the other half of a main/_tsuika pair ("" when there is none).
// InvalidArgument when the file is not text or its header matches no known format.
StatusOr<ParsedFile> ParseOpenDataCsv(std::string_view bytes, const std::string& path, const OpenDataOptions& options,
                                      std::string_view companion = {});

// Excel stores times as fractions of a day (0.7083333 = 17:00); also "9:30", "17時30分".
// Returns "HH:MM" or "" when the value is not a time.
std::string ParseTimeOfDay(const std::string& value);

// Schedules from 開催曜日 / 開催日 text such as 「木日」, 「第2・4金」, 「毎月第３土曜日」, 「最終日曜日」.
std::vector<registry::v1::Schedule> ParseSchedules(const std::string& weekdays, const std::string& dates,
                                                   const std::string& frequency, const std::string& opens,
                                                   const std::string& closes);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_OPEN_DATA_H_
