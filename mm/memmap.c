/*
 * Physical memory maps: a sorted array of disjoint, non-adjacent ranges.
 * Maps hold a few dozen entries at most, so plain array shifting is fine.
 */
#include "mm/memmap.h"
#include "compiler.h"
#include "lib/errno.h"

/* Open a gap of one entry at index i (the caller has checked for room). */
static void insert_at(struct memmap *map, unsigned int i, hpa_t start, hpa_t end)
{
	unsigned int k;

	for (k = map->nr; k > i; k--)
		map->r[k] = map->r[k - 1];
	map->r[i].start = start;
	map->r[i].end = end;
	map->nr++;
}

/* Drop entries [i, j) and close the gap. */
static void delete_range(struct memmap *map, unsigned int i, unsigned int j)
{
	unsigned int k;

	for (k = j; k < map->nr; k++)
		map->r[k - (j - i)] = map->r[k];
	map->nr -= j - i;
}

int memmap_add(struct memmap *map, hpa_t start, hpa_t end)
{
	unsigned int i, j;

	if (start > end) {
		return -EINVAL;
	}
	if (start == end) {
		return 0;
	}

	/* r[i..j) are the ranges that overlap or touch [start, end). */
	i = 0;
	while (i < map->nr && map->r[i].end < start)
		i++;
	j = i;
	while (j < map->nr && map->r[j].start <= end)
		j++;

	if (i == j) {
		if (map->nr == MEMMAP_MAX) {
			return -ENOSPC;
		}
		insert_at(map, i, start, end);
		return 0;
	}
	map->r[i].start = MIN(start, map->r[i].start);
	map->r[i].end = MAX(end, map->r[j - 1].end);
	delete_range(map, i + 1, j);
	return 0;
}

/* The index of the range that contains [start, end) with room on both sides, or -1. */
static int find_split(const struct memmap *map, hpa_t start, hpa_t end)
{
	unsigned int i;

	for (i = 0; i < map->nr; i++) {
		if (map->r[i].start < start && end < map->r[i].end) {
			return (int)i;
		}
	}
	return -1;
}

int memmap_remove(struct memmap *map, hpa_t start, hpa_t end)
{
	unsigned int i, w = 0;
	int split;

	if (start > end) {
		return -EINVAL;
	}
	if (start == end) {
		return 0;
	}

	split = find_split(map, start, end);
	if (split >= 0) {
		if (map->nr == MEMMAP_MAX) {
			return -ENOSPC;
		}
		insert_at(map, (unsigned int)split + 1, end, map->r[split].end);
		map->r[split].end = start;
		return 0;
	}

	/* No range is split, so each keeps at most one piece: compact in place. */
	for (i = 0; i < map->nr; i++) {
		struct mem_range r = map->r[i];

		if (r.end > start && r.start < end) {
			if (r.start < start) {
				r.end = start;
			} else if (r.end > end) {
				r.start = end;
			} else {
				continue;
			}
		}
		map->r[w++] = r;
	}
	map->nr = w;
	return 0;
}

void memmap_align(struct memmap *map, u64 align)
{
	unsigned int i, w = 0;

	if (align == 0 || (align & (align - 1)) != 0) {
		return;
	}
	for (i = 0; i < map->nr; i++) {
		hpa_t start = ALIGN_UP(map->r[i].start, align);
		hpa_t end = ALIGN_DOWN(map->r[i].end, align);

		/* start < r.start: rounding up wrapped past the top of the address space. */
		if (start < map->r[i].start || start >= end) {
			continue;
		}
		map->r[w].start = start;
		map->r[w].end = end;
		w++;
	}
	map->nr = w;
}

u64 memmap_total(const struct memmap *map)
{
	u64 total = 0;
	unsigned int i;

	for (i = 0; i < map->nr; i++)
		total += map->r[i].end - map->r[i].start;
	return total;
}
