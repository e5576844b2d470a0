#include "search/engine/doc_set.h"

#include <gtest/gtest.h>

#include <vector>

namespace ibasho::search {
namespace {

DocSet Of(Xapian::docid max, std::initializer_list<Xapian::docid> ids) {
  DocSet s(max);
  for (auto id : ids) s.Add(id);
  return s;
}

std::vector<Xapian::docid> Members(const DocSet& s) {
  std::vector<Xapian::docid> out;
  s.ForEach([&](Xapian::docid id) { out.push_back(id); });
  return out;
}

TEST(DocSet, SetOperationsTable) {
  const Xapian::docid max = 200;  // more than three words, last one partly used
  struct Case {
    const char* name;
    std::vector<Xapian::docid> want;
    DocSet got;
  };
  auto a = [&] { return Of(max, {1, 63, 64, 65, 127, 128, 200}); };
  const DocSet b = Of(max, {2, 63, 128, 199, 200});
  std::vector<Case> cases;
  {
    DocSet s = a();
    s.IntersectWith(b);
    cases.push_back({"and", {63, 128, 200}, s});
  }
  {
    DocSet s = a();
    s.UnionWith(b);
    cases.push_back({"or", {1, 2, 63, 64, 65, 127, 128, 199, 200}, s});
  }
  {
    DocSet s = a();
    s.Subtract(b);
    cases.push_back({"and not", {1, 64, 65, 127}, s});
  }
  for (const auto& c : cases) {
    EXPECT_EQ(Members(c.got), c.want) << c.name;
    EXPECT_EQ(c.got.Count(), c.want.size()) << c.name;
  }
  EXPECT_EQ(a().CountIntersection(b), 3u);
}

TEST(DocSet, AllHoldsOneToMaxAndNothingElse) {
  for (Xapian::docid max : {0u, 1u, 63u, 64u, 65u, 1000u}) {
    DocSet all = DocSet::All(max);
    EXPECT_EQ(all.Count(), max) << max;
    EXPECT_FALSE(all.Contains(0)) << max;
    EXPECT_FALSE(all.Contains(max + 1)) << max;
    if (max > 0) {
      EXPECT_TRUE(all.Contains(max)) << max;
    }
  }
  EXPECT_TRUE(DocSet(100).Empty());
  EXPECT_FALSE(Of(100, {100}).Empty());
}

TEST(DocSet, NextFromWalksMembersInOrder) {
  const DocSet s = Of(300, {5, 64, 190, 300});
  struct {
    Xapian::docid from, want;
  } cases[] = {{0, 5}, {5, 5}, {6, 64}, {65, 190}, {191, 300}, {300, 300}, {301, 0}, {100000, 0}};
  for (const auto& c : cases) EXPECT_EQ(s.NextFrom(c.from), c.want) << c.from;
}

TEST(DocSet, ResizedKeepsMembersThatFitAndRemoveIsANoOpBeyondTheEnd) {
  DocSet s = Of(130, {1, 64, 129, 130});
  EXPECT_EQ(Members(s.Resized(300)), (std::vector<Xapian::docid>{1, 64, 129, 130}));
  EXPECT_EQ(Members(s.Resized(129)), (std::vector<Xapian::docid>{1, 64, 129}));
  EXPECT_EQ(s.Resized(64).Count(), 2u);
  s.Remove(64);
  s.Remove(1000);
  EXPECT_EQ(Members(s), (std::vector<Xapian::docid>{1, 129, 130}));
}

TEST(DocSet, ForEachWordGivesEveryMemberOnce) {
  const DocSet docs = Of(300, {1, 63, 64, 127, 128, 129, 300});
  std::vector<Xapian::docid> seen;
  std::vector<Xapian::docid> firsts;
  docs.ForEachWord([&](Xapian::docid first, uint64_t bits) {
    firsts.push_back(first);
    for (int i = 0; i < 64; ++i)
      if ((bits >> i) & 1) seen.push_back(first + static_cast<Xapian::docid>(i));
  });
  EXPECT_EQ(seen, Members(docs));
  EXPECT_EQ(firsts, (std::vector<Xapian::docid>{0, 64, 128, 256}));
}

TEST(CompactDocSet, SparseAndDenseSetsKeepTheirMembers) {
  const Xapian::docid max = 1000;
  DocSet sparse = Of(max, {1, 64, 500, 1000});
  DocSet dense = DocSet::All(max);
  dense.Remove(3);
  for (const DocSet* docs : {&sparse, &dense}) {
    const CompactDocSet kept(*docs);
    EXPECT_EQ(Members(kept.ToDocSet(max)), Members(*docs));
    EXPECT_LE(kept.MemoryBytes(), docs->MemoryBytes());
    DocSet some = Of(max, {2, 3, 64, 999});
    kept.AddTo(&some);
    DocSet want = Of(max, {2, 3, 64, 999});
    want.UnionWith(*docs);
    EXPECT_EQ(Members(some), Members(want));
    kept.SubtractFrom(&some);
    want.Subtract(*docs);
    EXPECT_EQ(Members(some), Members(want));
    // Smaller sets drop what they cannot hold.
    EXPECT_EQ(kept.ToDocSet(64).Count(), docs == &sparse ? 2u : 63u);
  }
  EXPECT_LT(CompactDocSet(sparse).MemoryBytes(), sparse.MemoryBytes());
}

}  // namespace
}  // namespace ibasho::search
