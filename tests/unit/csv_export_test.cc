#include "model/csv_export.h"

#include <gtest/gtest.h>

namespace ibasho::model {
namespace {

using registry::v1::Group;

// The export of one group with this name.
std::string ExportOf(const std::string& name) {
  Group g;
  g.set_id("g_1");
  g.set_name(name);
  return GroupsToCsv({g});
}

TEST(CsvExport, FormulasBecomeText) {
  const std::pair<std::string, std::string> cases[] = {
      {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
      {"+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"},
      {"-1+1", "'-1+1"},
      {"@SUM(A1)", "'@SUM(A1)"},
      {"\t=1", "'\t=1"},
      {"こども食堂=みんなの場所", "こども食堂=みんなの場所"},
      {"石神井・小さなうち", "石神井・小さなうち"},
  };
  for (const auto& [name, cell] : cases) {
    std::string csv = ExportOf(name);
    EXPECT_NE(csv.find("g_1," + cell + ","), std::string::npos) << name << "\n" << csv;
  }
}

}  // namespace
}  // namespace ibasho::model
