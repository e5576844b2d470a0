#include "search/engine/doc_set.h"

#include <algorithm>

namespace ibasho::search {

DocSet DocSet::All(Xapian::docid max_docid) {
  DocSet s(max_docid);
  std::fill(s.words_.begin(), s.words_.end(), ~uint64_t{0});
  s.words_[0] &= ~uint64_t{1};  // there is no document 0
  size_t used_bits = (max_docid + 1) % 64;
  if (used_bits != 0) s.words_.back() &= (uint64_t{1} << used_bits) - 1;
  return s;
}

DocSet DocSet::Resized(Xapian::docid max_docid) const {
  DocSet out(max_docid);
  std::copy_n(words_.begin(), std::min(words_.size(), out.words_.size()), out.words_.begin());
  if (max_docid < max_docid_) {
    size_t used_bits = (max_docid + 1) % 64;
    if (used_bits != 0) out.words_.back() &= (uint64_t{1} << used_bits) - 1;
  }
  return out;
}

void DocSet::IntersectWith(const DocSet& other) {
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= other.words_[i];
}

void DocSet::UnionWith(const DocSet& other) {
  for (size_t i = 0; i < words_.size(); ++i) words_[i] |= other.words_[i];
}

void DocSet::Subtract(const DocSet& other) {
  for (size_t i = 0; i < words_.size(); ++i) words_[i] &= ~other.words_[i];
}

size_t DocSet::Count() const {
  size_t n = 0;
  for (uint64_t w : words_) n += std::popcount(w);
  return n;
}

size_t DocSet::CountIntersection(const DocSet& other) const {
  size_t n = 0;
  for (size_t i = 0; i < words_.size(); ++i) n += std::popcount(words_[i] & other.words_[i]);
  return n;
}

bool DocSet::Empty() const {
  return std::all_of(words_.begin(), words_.end(), [](uint64_t w) { return w == 0; });
}

Xapian::docid DocSet::NextFrom(Xapian::docid id) const {
  if (id > max_docid_) return 0;
  size_t w = id >> 6;
  uint64_t bits = words_[w] & (~uint64_t{0} << (id & 63));
  while (true) {
    if (bits) return static_cast<Xapian::docid>(w * 64 + std::countr_zero(bits));
    if (++w == words_.size()) return 0;
    bits = words_[w];
  }
}

CompactDocSet::CompactDocSet(const DocSet& docs) {
  const size_t count = docs.Count();
  if (count * sizeof(Xapian::docid) >= docs.MemoryBytes()) {
    bitmap_ = std::make_unique<const DocSet>(docs);
    return;
  }
  ids_.reserve(count);
  docs.ForEach([&](Xapian::docid id) { ids_.push_back(id); });
}

DocSet CompactDocSet::ToDocSet(Xapian::docid max_docid) const {
  if (bitmap_) return bitmap_->Resized(max_docid);
  DocSet out(max_docid);
  AddTo(&out);
  return out;
}

void CompactDocSet::AddTo(DocSet* docs) const {
  if (bitmap_) {
    docs->UnionWith(bitmap_->Resized(docs->max_docid()));
    return;
  }
  for (Xapian::docid id : ids_) {
    if (id > docs->max_docid()) break;
    docs->Add(id);
  }
}

void CompactDocSet::SubtractFrom(DocSet* docs) const {
  if (bitmap_) {
    docs->Subtract(bitmap_->Resized(docs->max_docid()));
    return;
  }
  for (Xapian::docid id : ids_) docs->Remove(id);
}

}  // namespace ibasho::search
