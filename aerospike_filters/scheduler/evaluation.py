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

"""One request's verdicts over Nova HostStates.

The bridge between Nova's scheduler objects and the pure core: it reads the
flavor once, derives each aggregate combination's facts and verdict once,
and counts NVMe devices only on hosts that have PCI pools and only when the
request asks for NVMe devices. A :class:`RequestEvaluation` lives for one
``filter_all`` or ``weigh_objects`` call, so filter and weigher instances
hold no per-request state.
"""

from oslo_log import log as logging

from aerospike_filters import conf
from aerospike_filters import host_facts
from aerospike_filters.scheduler import memo
from aerospike_filters.scheduler import nvme
from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters import verdicts

LOG = logging.getLogger(__name__)

#: Configuration warnings already logged by this process.
_WARNED = memo.BoundedMemo()

#: At most this many configuration warnings (conflicting or unrecognised
#: aggregate metadata) per request; the rest wait for later requests.
WARNINGS_PER_REQUEST = 5


def extra_specs_of(spec_obj):
    """The flavor's extra specs of a RequestSpec, {} when absent."""
    flavor = spec_obj.flavor if spec_obj.obj_attr_is_set('flavor') else None
    if flavor is None or not flavor.obj_attr_is_set('extra_specs'):
        return {}
    return flavor.extra_specs or {}


def boots_from_volume(spec_obj):
    """RequestSpec.is_bfv, False when unset (older RequestSpecs)."""
    return bool(spec_obj.obj_attr_is_set('is_bfv') and spec_obj.is_bfv)


def ephemeral_gb_of(spec_obj):
    """The flavor's ephemeral disk in GiB, 0 when unknown."""
    flavor = spec_obj.flavor if spec_obj.obj_attr_is_set('flavor') else None
    if flavor is None or not flavor.obj_attr_is_set('ephemeral_gb'):
        return 0
    return flavor.ephemeral_gb or 0


def flavor_name_of(spec_obj):
    """The flavor's name, for log lines; never raises."""
    try:
        return spec_obj.flavor.name
    except Exception:
        return '<unknown flavor>'


class _Entry:
    """What one aggregate combination means for the request."""

    __slots__ = ('facts', 'verdict', 'needs_fallback', 'filter_verdict',
                 'weight')

    def __init__(self, facts, verdict, needs_fallback, filter_verdict):
        self.facts = facts
        self.verdict = verdict
        self.needs_fallback = needs_fallback
        # The verdict when it is the same for every host of the combination,
        # else None (the host's own host_backends entry or NVMe devices can
        # change it).
        self.filter_verdict = filter_verdict
        self.weight = verdicts.tier_weight(verdict)


class RequestEvaluation:
    """Verdicts of one request, cached per aggregate combination."""

    def __init__(self, spec_obj, settings=None, warn=True):
        self.settings = settings or conf.read_settings()
        self.warn = warn
        self.extra_specs = extra_specs_of(spec_obj)
        self.request = storage_request.parse_request(
            self.extra_specs, self.settings.nvme_pci_aliases)
        self.flavor_name = flavor_name_of(spec_obj)
        # Per request, not per host: the rule reads the RequestSpec only.
        self.no_local_disk = storage_request.no_local_disk(
            self.request, boots_from_volume(spec_obj),
            ephemeral_gb_of(spec_obj))
        # The nvme tier is in the request's tiers only when the flavor
        # requests NVMe devices: then count them, with nova's PCI requests.
        self.demand = (nvme.nvme_demand(spec_obj,
                                        self.settings.nvme_pci_aliases)
                       if storage.NVME in self.request.tiers else None)
        self._entries = {}
        self._fallbacks = {}
        self._warnings = 0

    @property
    def tagged(self):
        return self.request.tagged

    def verdict(self, host_state, entry=None):
        """The Verdict for one HostState, NVMe devices counted."""
        if entry is None:
            entry = self.entries([host_state])[0]
        facts, verdict = entry.facts, entry.verdict
        if entry.needs_fallback:
            facts, verdict = self._fallback(host_state, entry)
        if self.demand is not None and nvme.has_pools(host_state):
            return self._judge(facts, verdicts.NvmeSupply(
                nvme.count_free_devices(host_state.pci_stats,
                                        self.demand.specs),
                self.demand.needed))
        return verdict

    def entries(self, hosts):
        """The cached entry of each host's aggregate combination, in order."""
        return self._scan(hosts, split=False)[0]

    def partition(self, hosts):
        """Split hosts into (passing hosts, verdicts of the rejected)."""
        return self._scan(hosts, split=True)

    def _scan(self, hosts, split):
        """The hot loop of filter and weigher, and the one cache key.

        Per host: a key made of the aggregate objects' identities
        (nova-scheduler's HostManager shares one Aggregate object among all
        its hosts) and one dict look-up. Without ``split``: (entries, []).
        With ``split``: (passing hosts, verdicts of the rejected), the full
        :meth:`verdict` only for hosts whose own data matters. One loop for
        both: a helper per host, or entries then a second pass, made the
        tagged filter 5 % to 2.6 times slower
        (benchmarks/filter_scaling.py, 10,000 hosts).
        """
        cache = self._entries
        found, rejected = [], []
        add, reject = found.append, rejected.append
        for host in hosts:
            aggs = host.aggregates
            count = len(aggs)
            key = (id(aggs[0]) if count == 1 else
                   (id(aggs[0]), id(aggs[1])) if count == 2 else
                   tuple(map(id, aggs)) if count else None)
            entry = cache.get(key)
            if entry is None:
                entry = cache[key] = self._entry(aggs)
            if not split:
                add(entry)
                continue
            verdict = entry.filter_verdict
            if verdict is None:
                verdict = self.verdict(host, entry)
            if verdict.passes:
                add(host)
            else:
                reject(verdict)
        return found, rejected

    def weights(self, hosts):
        """Raw weigher weights of hosts, in order."""
        per_host = self.demand is not None
        return [verdicts.tier_weight(self.verdict(host, entry))
                if entry.needs_fallback or (per_host and
                                            nvme.has_pools(host))
                else entry.weight
                for host, entry in zip(hosts, self.entries(hosts))]

    def _entry(self, aggregates):
        facts = host_facts.facts_from_aggregates(
            [(agg.name, agg.metadata) for agg in aggregates],
            self.settings.ephemeral_backend_key)
        self._warn_about(facts)
        needs_fallback = (self.request.tagged and facts.value is None and
                          not facts.conflict and
                          bool(self.settings.host_backends))
        verdict = self._judge(facts)
        same_for_all = not (needs_fallback or
                            self._nvme_may_change(facts, verdict))
        return _Entry(facts, verdict, needs_fallback,
                      verdict if same_for_all else None)

    def _nvme_may_change(self, facts, verdict):
        """Whether free NVMe devices could turn a rejection into a pass."""
        if verdict.passes or self.demand is None:
            return False
        needed = self.demand.needed
        return self._judge(facts, verdicts.NvmeSupply(needed, needed)).passes

    def _fallback(self, host_state, entry):
        """Facts and verdict with the host's ``host_backends`` entry."""
        value = self.settings.host_backends.get(host_state.host)
        if value is None:
            return entry.facts, entry.verdict
        key = (value, entry.facts.dedicated)
        cached = self._fallbacks.get(key)
        if cached is None:
            new = entry.facts._replace(backend=storage.backend_for(value),
                                       value=value, source='host_backends')
            cached = self._fallbacks[key] = (new, self._judge(new))
        return cached

    def _judge(self, facts, nvme_supply=None):
        request = self.request
        settings = self.settings
        if not request.tagged:
            return verdicts.judge_untagged(facts.dedicated,
                                           settings.isolate_dedicated_hosts)
        if request.error:
            return verdicts.invalid_request(request.error)
        if self.no_local_disk:
            return verdicts.no_local_disk(self.no_local_disk)
        return verdicts.judge(request.tiers, facts, nvme_supply,
                              settings.allow_nvme_on_unsuitable_backend,
                              settings.ephemeral_backend_key)

    def _warn_about(self, facts):
        key_name = self.settings.ephemeral_backend_key
        for first, second in host_facts.conflicting_pairs(facts.conflict):
            self._warn_once(
                ('conflict', first, second),
                "Aggregates %(a)r (%(key)s=%(va)s) and %(b)r "
                "(%(key)s=%(vb)s) share hosts but disagree on the "
                "ephemeral backend; those hosts are rejected for "
                "Aerospike flavors until one aggregate is corrected.",
                {'a': first[0], 'va': first[1], 'b': second[0],
                 'vb': second[1], 'key': key_name})
        if facts.value is not None and facts.backend is None:
            self._warn_once(
                ('unrecognised', facts.source, facts.value),
                "%(source)s has %(key)s=%(value)r, which is not a "
                "recognised backend; its hosts count as unsuitable. "
                "Accepted values: %(accepted)s.",
                {'source': facts.source, 'key': key_name,
                 'value': facts.value,
                 'accepted': storage.describe_accepted_backends()})

    def _warn_once(self, key, message, args):
        """Warn once per process, and at most a few times per request."""
        if (self.warn and self._warnings < WARNINGS_PER_REQUEST and
                _WARNED.first(key)):
            self._warnings += 1
            LOG.warning(message, args)
