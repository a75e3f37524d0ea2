"""Stable person ids: a re-run or a new load never renumbers existing people.

Each new cluster takes the existing person id with which it shares the most records (one id per cluster, each
id used once, largest overlaps first); only clusters with no earlier id left get a new one. Records that
move between ids are reported as merges (an id retired into another) and splits (an id that lost records).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field


def format_person_id(seq: int) -> str:
    return f"P{seq:09d}"


@dataclass
class IdChange:
    kind: str  # merge | split
    person_id: str  # merge: the id that absorbed; split: the id that lost records
    other_person_ids: list[str]  # merge: the ids retired into person_id; split: ids that took its records
    records_moved: int
    # the records on each side, for the reason (ids only)
    kept: list[str] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)


@dataclass
class Assignment:
    person_of: dict[str, str]  # unique_id → person id
    last_seq: int
    new_people: int
    changes: list[IdChange]


def assign_person_ids(clusters: dict[str, int], previous: dict[str, str], last_seq: int) -> Assignment:
    members: dict[int, list[str]] = defaultdict(list)
    for rid, c in clusters.items():
        members[c].append(rid)
    overlap: dict[int, Counter[str]] = {
        c: Counter(previous[r] for r in rids if r in previous) for c, rids in members.items()
    }
    candidates = sorted(
        ((n, pid, c) for c, counts in overlap.items() for pid, n in counts.items()),
        key=lambda t: (-t[0], t[1], min(members[t[2]])),
    )
    id_of_cluster: dict[int, str] = {}
    used: set[str] = set()
    for _, pid, c in candidates:
        if c in id_of_cluster or pid in used:
            continue
        id_of_cluster[c] = pid
        used.add(pid)
    new_people = 0
    for c in sorted(members, key=lambda c: min(members[c])):
        if c not in id_of_cluster:
            last_seq += 1
            new_people += 1
            id_of_cluster[c] = format_person_id(last_seq)
    person_of = {rid: id_of_cluster[c] for c, rids in members.items() for rid in rids}
    return Assignment(person_of, last_seq, new_people, _changes(person_of, previous))


def _changes(person_of: dict[str, str], previous: dict[str, str]) -> list[IdChange]:
    """Merges and splits among records present before and now."""
    old_groups: dict[str, list[str]] = defaultdict(list)
    for rid, pid in previous.items():
        if rid in person_of:
            old_groups[pid].append(rid)
    surviving = set(person_of.values())
    merges: dict[str, IdChange] = {}
    changes: list[IdChange] = []
    for old_pid in sorted(old_groups):
        rids = sorted(old_groups[old_pid])
        now = Counter(person_of[r] for r in rids)
        if set(now) == {old_pid}:
            continue
        if old_pid not in surviving:
            # retired: its records went to other ids (usually one) — a merge into the largest receiver
            into = sorted(now, key=lambda p: (-now[p], p))[0]
            change = merges.setdefault(into, IdChange("merge", into, [], 0))
            change.other_person_ids.append(old_pid)
            change.records_moved += now[into]
            change.moved += [r for r in rids if person_of[r] == into]
            change.kept = sorted(r for r, p in previous.items() if p == into and person_of.get(r) == into)
            rest = [p for p in now if p != into]
            if rest:
                changes.append(
                    IdChange(
                        "split",
                        old_pid,
                        sorted(rest),
                        sum(now[p] for p in rest),
                        kept=[r for r in rids if person_of[r] == into],
                        moved=[r for r in rids if person_of[r] != into],
                    )
                )
        else:
            others = sorted(p for p in now if p != old_pid)
            changes.append(
                IdChange(
                    "split",
                    old_pid,
                    others,
                    sum(now[p] for p in others),
                    kept=[r for r in rids if person_of[r] == old_pid],
                    moved=[r for r in rids if person_of[r] != old_pid],
                )
            )
    return list(merges.values()) + changes
