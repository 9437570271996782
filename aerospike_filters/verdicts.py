#    Licensed under the Apache License, Version 2.0 (the "License"); you may
#    not use this file except in compliance with the License. You may obtain
#    a copy of the License at
#
#         http://www.apache.org/licenses/LICENSE-2.0
#
#    Unless required by applicable law or agreed to in writing, software
#    distributed under the License is distributed on an "AS IS" BASIS, WITHOUT
#    WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the
#    License for the specific language governing permissions and limitations
#    under the License.

"""Verdicts: may this host take this request, on which tier, and why.

The whole placement rule in one pure function, :func:`judge`, shared by the
filter (pass or reject), the weigher (tier rank) and ``explain`` (reasons).
No nova import.
"""

import collections

from aerospike_filters import host_facts
from aerospike_filters import storage

Verdict = collections.namedtuple(
    'Verdict', 'passes tier category reason free_nvme')
Verdict.__doc__ = """The decision for one host.

``passes``: the host may take the request. ``tier``: the best accepted tier
the host offers (None if none). ``category``: a short word for summaries
(``qcow2``, ``unknown``, ``conflict``, ...), None for an untagged pass.
``reason``: one human-readable sentence. ``free_nvme``: matching free NVMe
passthrough devices counted on the host (0 when not counted).
"""

NvmeSupply = collections.namedtuple('NvmeSupply', 'free needed')
NvmeSupply.__doc__ = """Free matching NVMe devices on a host, and how many
the request needs."""

UNTAGGED_PASS = Verdict(True, None, None, 'untagged request', 0)
DEDICATED_REJECT = Verdict(
    False, None, 'dedicated',
    'host is reserved for Aerospike flavors (aerospike_dedicated=true) '
    'and the flavor is not tagged', 0)

# Summary categories that are not backend names.
UNKNOWN = 'unknown'
CONFLICT = 'conflict'
UNRECOGNISED = 'unrecognised'
TIER_MISMATCH = 'tier-mismatch'
NO_NVME = 'nvme-insufficient'
INVALID_FLAVOR = 'invalid-flavor'
NO_LOCAL_DISK = 'no-local-disk'


def judge_untagged(dedicated, isolate_dedicated_hosts):
    """Untagged requests pass, except on dedicated hosts under isolation."""
    if dedicated and isolate_dedicated_hosts:
        return DEDICATED_REJECT
    return UNTAGGED_PASS


def invalid_request(error):
    """The verdict for every host when the flavor's value is invalid."""
    return Verdict(False, None, INVALID_FLAVOR, error, 0)


def no_local_disk(reason):
    """The verdict for every host when the guest would have no local disk."""
    return Verdict(False, None, NO_LOCAL_DISK, reason, 0)


def _tier_names(tiers):
    return ','.join(t for t in storage.TIERS if t in tiers)


def _nvme_text(nvme):
    if nvme is None:
        return 'no NVMe passthrough devices'
    return '%d free NVMe passthrough device(s), %d needed' % (
        nvme.free, nvme.needed)


def judge(tiers, facts, nvme=None, allow_nvme_on_unsuitable=False,
          backend_key=host_facts.DEFAULT_BACKEND_KEY):
    """Decide whether a host offers one of the accepted tiers.

    :param tiers: the request's accepted tiers (non-empty frozenset).
    :param facts: the host's :class:`host_facts.HostFacts`.
    :param nvme: :class:`NvmeSupply` when ``nvme`` is accepted and the host
        has NVMe pools, else None (no devices).
    :param allow_nvme_on_unsuitable: let NVMe-tier requests use a host whose
        ephemeral backend is known to be unsuitable.
    :param backend_key: the metadata key, named in reasons.
    """
    free = nvme.free if nvme is not None else 0
    has_nvme = (storage.NVME in tiers and nvme is not None and
                nvme.free >= nvme.needed > 0)
    if facts.conflict:
        shown = ', '.join("%s=%s" % pair for pair in facts.conflict)
        return Verdict(False, None, CONFLICT,
                       'aggregates disagree on %s (%s)' % (backend_key, shown),
                       free)
    backend = facts.backend
    if facts.value is not None and backend is None:
        category = UNRECOGNISED
        why = ('%s=%r from %s is not a recognised backend (accepted: %s)'
               % (backend_key, facts.value, facts.source,
                  storage.describe_accepted_backends()))
    elif backend is not None and backend.tier is None:
        category = backend.name
        why = '%s (%s) from %s is %s storage' % (
            backend.name, backend.description, facts.source, backend.kind)
    else:
        category = None
    if category is not None:
        if has_nvme and allow_nvme_on_unsuitable:
            return Verdict(True, storage.NVME, None,
                           'offers nvme (%s) although %s; allowed by '
                           'allow_nvme_on_unsuitable_backend'
                           % (_nvme_text(nvme), why), free)
        return Verdict(False, None, category, why, free)

    if has_nvme:
        return Verdict(True, storage.NVME, None,
                       'offers nvme (%s)' % _nvme_text(nvme), free)
    if backend is not None and backend.tier in tiers:
        return Verdict(True, backend.tier, None, 'offers %s (%s from %s)' % (
            backend.tier, backend.name, facts.source), free)

    nvme_note = ('; ' + _nvme_text(nvme)) if storage.NVME in tiers else ''
    if backend is None:
        return Verdict(False, None, UNKNOWN, 'no %s in any aggregate or '
                       'host_backends%s' % (backend_key, nvme_note), free)
    return Verdict(False, None, NO_NVME if nvme is not None else
                   TIER_MISMATCH, 'offers %s, flavor accepts %s%s'
                   % (backend.tier, _tier_names(tiers), nvme_note), free)


def tier_weight(verdict):
    """The weigher's raw weight of a verdict: tier rank, ties by free NVMe.

    In [0, MAX_WEIGHT): the rank of the tier plus a tie-breaker below one;
    0 for a rejection or an untagged pass.
    """
    if not verdict.passes or verdict.tier is None:
        return 0.0
    free = verdict.free_nvme
    return storage.TIER_RANK[verdict.tier] + free / (free + 1.0)


#: Upper bound of tier_weight().
MAX_WEIGHT = max(storage.TIER_RANK.values()) + 1

#: Normalised distance between two adjacent tiers (nova normalises a
#: weigher's weights to 0..1 with this weigher's fixed bounds).
TIER_GAP = 1.0 / MAX_WEIGHT


def preference_holds(multiplier, others):
    """Whether the tiers outweigh weighers whose multipliers sum to others.

    nova adds each weigher's normalised weight (0 to 1) times its
    multiplier, so other weighers can move two hosts apart by at most the
    sum of their multipliers' magnitudes; a tier must be worth more.
    """
    return multiplier * TIER_GAP > others


def multiplier_to_outweigh(others):
    """The smallest round multiplier for which preference_holds()."""
    return float(int(others / TIER_GAP) + MAX_WEIGHT)
