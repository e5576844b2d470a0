// A CSV of groups that ward staff can open in Excel: UTF-8 with BOM, CRLF, one row per activity,
// every field quoted as RFC 4180 requires.
#ifndef IBASHO_MODEL_CSV_EXPORT_H_
#define IBASHO_MODEL_CSV_EXPORT_H_

#include <string>
#include <vector>

#include "ibasho/registry/v1/registry.pb.h"

namespace ibasho::model {

// The BOM and the header row.
std::string CsvHeader();
// The rows of one group: one per activity (one for a group without any).
std::string GroupCsvRows(const registry::v1::Group& group);
// The header and every group's rows.
std::string GroupsToCsv(const std::vector<registry::v1::Group>& groups);

}  // namespace ibasho::model

#endif  // IBASHO_MODEL_CSV_EXPORT_H_
