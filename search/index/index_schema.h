// The layout of ibasho's Xapian database: value slots, boolean term prefixes and metadata keys.
// Shared by the writer and the searcher; changing any of these needs a reindex.
#ifndef IBASHO_SEARCH_INDEX_INDEX_SCHEMA_H_
#define IBASHO_SEARCH_INDEX_INDEX_SCHEMA_H_

#include <xapian.h>

#include "common/age_bands.h"

#include <string>
#include <vector>

namespace ibasho::search {

// Value slots. Multi-valued slots join their values with kValueSeparator.
inline constexpr Xapian::valueno kSlotCategories = 0;
inline constexpr Xapian::valueno kSlotMunicipality = 1;
inline constexpr Xapian::valueno kSlotWeekdays = 2;
inline constexpr Xapian::valueno kSlotLatLon = 3;  // Xapian::LatLongCoords::serialise()
inline constexpr Xapian::valueno kSlotAgeMin = 4;  // sortable_serialise
inline constexpr Xapian::valueno kSlotAgeMax = 5;  // sortable_serialise; 999 = no upper bound
inline constexpr Xapian::valueno kSlotFee = 6;     // free | paid
inline constexpr Xapian::valueno kSlotAgeBands = 7;
// Every facet attribute packed in one value, so counting reads one value per match:
// byte 0-1 category bits (taxonomy order), 2 weekday bits (mon = bit 0), 3 age band bits,
// 4 fee (0 unknown, 1 free, 2 paid), 5.. municipality (UTF-8).
inline constexpr Xapian::valueno kSlotFacetRow = 8;
inline constexpr char kValueSeparator = '\x1f';

// Boolean term prefixes.
inline constexpr char kTermActivityId[] = "Q";
inline constexpr char kTermGroupId[] = "G";
inline constexpr char kTermCategory[] = "XC";
// Categories the listing's data states (not inferred_categories): browsing lists these first.
inline constexpr char kTermStatedCategory[] = "XD";
inline constexpr char kTermMunicipality[] = "XM";
inline constexpr char kTermWeekday[] = "XW";
inline constexpr char kTermFee[] = "XF";
inline constexpr char kTermAgeBand[] = "XA";
// Occurrence terms for open_on: XOw<wd> weekly, XOn<k><wd> k-th weekday of the month (k=L last),
// XOd<YYYY-MM-DD> a dated event.
inline constexpr char kTermOccurrence[] = "XO";

// Metadata key holding the last applied change cursor, committed with the documents.
inline constexpr char kMetaAppliedCursor[] = "applied_cursor";

}  // namespace ibasho::search

#endif  // IBASHO_SEARCH_INDEX_INDEX_SCHEMA_H_
