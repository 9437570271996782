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
and counts NVMe devices with Nova's own PCI pool matching only on hosts that
have PCI pools and only when the request accepts the ``nvme`` tier. An
:class:`Evaluation` lives for one ``filter_all`` or ``weigh_objects`` call,
so filter and weigher instances hold no per-request state.
"""

import collections
import threading

from nova.pci import request as pci_request
from nova.pci import stats as pci_stats
from nova.pci import utils as pci_utils
from oslo_log import log as logging

from aerospike_filters import conf
from aerospike_filters import host_facts
from aerospike_filters import request as storage_request
from aerospike_filters import storage
from aerospike_filters import verdict as verdicts

LOG = logging.getLogger(__name__)
CONF = conf.CONF

Settings = collections.namedtuple(
    'Settings', 'backend_key host_backends nvme_aliases allow_nvme isolate')

NvmeDemand = collections.namedtuple('NvmeDemand', 'specs needed')
NvmeDemand.__doc__ = """PCI specs an NVMe device must match, and how many
devices the request needs."""


class ConfigError(ValueError):
    """An ``[aerospike_filters]`` option has an unusable value."""


def read_settings(config=CONF):
    """Read and check the options; raise ConfigError naming the option."""
    group = config.aerospike_filters
    try:
        key = group.ephemeral_backend_key
        backends = group.host_backends
        aliases = group.nvme_pci_aliases
        settings = Settings(
            key.strip() if isinstance(key, str) else key,
            {host: value for host, value in (backends or {}).items()},
            frozenset(a.strip() for a in aliases or () if a.strip()),
            group.allow_nvme_on_unsuitable_backend,
            group.isolate_dedicated_hosts)
        float(group.storage_weight_multiplier)
    except ConfigError:
        raise
    except Exception as exc:
        raise ConfigError('[%s] has an invalid option value: %s'
                          % (conf.GROUP, exc)) from exc
    if not settings.backend_key:
        raise ConfigError('[%s] ephemeral_backend_key must not be empty'
                          % conf.GROUP)
    return settings


class _Once:
    """Remembers which warnings were logged, process-wide and bounded."""

    def __init__(self, limit=4096):
        self._seen = set()
        self._limit = limit
        self._lock = threading.Lock()

    def first(self, key):
        """True the first time ``key`` is seen (until the set is full)."""
        with self._lock:
            if key in self._seen:
                return False
            if len(self._seen) >= self._limit:
                self._seen.clear()
            self._seen.add(key)
            return True


_WARNED = _Once()

#: At most this many configuration warnings (conflicting or unrecognised
#: aggregate metadata) per request; the rest wait for later requests.
WARNINGS_PER_REQUEST = 5


def extra_specs_of(spec_obj):
    """The flavor's extra specs of a RequestSpec, {} when absent."""
    flavor = spec_obj.flavor if spec_obj.obj_attr_is_set('flavor') else None
    if flavor is None or not flavor.obj_attr_is_set('extra_specs'):
        return {}
    return flavor.extra_specs or {}


def flavor_name_of(spec_obj):
    try:
        return spec_obj.flavor.name
    except Exception:
        return '<unknown flavor>'


def nvme_demand(spec_obj, alias_names):
    """What NVMe devices the request needs, or None if none can match.

    The flavor's Nova PCI requests made through one of ``alias_names`` give
    the specs and the count; without such a request, the specs of those
    aliases in ``[pci] alias`` and a count of one.
    """
    requests = []
    if spec_obj.obj_attr_is_set('pci_requests') and spec_obj.pci_requests:
        requests = [r for r in spec_obj.pci_requests.requests
                    if r.obj_attr_is_set('alias_name') and
                    r.alias_name in alias_names]
    if requests:
        specs = [spec for r in requests for spec in r.spec]
        needed = sum(r.count for r in requests)
    else:
        try:
            aliases = pci_request.get_alias_from_config()
        except Exception as exc:
            if _WARNED.first(('pci-alias', str(exc))):
                LOG.error('[pci] alias is invalid, so no NVMe device can '
                          'match: %s', exc)
            return None
        specs = [spec for name in sorted(alias_names) if name in aliases
                 for spec in aliases[name][1]]
        needed = 1
    ignored = pci_stats.PciDeviceStats.ignored_spec_tags
    specs = [{k: v for k, v in spec.items() if k not in ignored}
             for spec in specs]
    if not specs:
        return None
    return NvmeDemand(specs, needed)


def count_free_devices(stats, specs):
    """Free devices in Nova PCI pools that match any of ``specs``."""
    return sum(pool['count'] for pool in stats.pools
               if pci_utils.pci_device_prop_match(pool, specs))


def tier_weight(verdict):
    """Raw weigher weight of a verdict: tier rank, ties by free NVMe.

    In [0, MAX_WEIGHT): the rank of the tier plus a tie-breaker below one.
    """
    if not verdict.passes or verdict.tier is None:
        return 0.0
    free = verdict.free_nvme
    return storage.TIER_RANK[verdict.tier] + free / (free + 1.0)


#: Upper bound of tier_weight().
MAX_WEIGHT = max(storage.TIER_RANK.values()) + 1


def _aggregate_pairs(aggregates):
    return [(agg.name, agg.metadata) for agg in aggregates]


def aggregates_key(aggregates):
    """Identity of a host's aggregate list, for per-request caches.

    nova-scheduler's HostManager shares one Aggregate object among all its
    hosts, so hosts in the same aggregates get the same key. The hot loops
    below inline this expression.
    """
    count = len(aggregates)
    if count == 1:
        return id(aggregates[0])
    return tuple(map(id, aggregates)) if count else None


class _Entry:
    """What one aggregate combination means for the request."""

    __slots__ = ('facts', 'verdict', 'needs_fallback', 'filter_verdict',
                 'weight')

    def __init__(self, facts, verdict, needs_fallback, filter_verdict,
                 weight):
        self.facts = facts
        self.verdict = verdict
        self.needs_fallback = needs_fallback
        # The verdict when it is the same for every host of the combination,
        # else None (the host's own host_backends entry or NVMe devices can
        # change it).
        self.filter_verdict = filter_verdict
        self.weight = weight


class Evaluation:
    """Verdicts of one request, cached per aggregate combination."""

    def __init__(self, spec_obj, settings=None, warn=True):
        self.settings = settings or read_settings()
        self.warn = warn
        self.extra_specs = extra_specs_of(spec_obj)
        self.request = storage_request.parse_request(self.extra_specs)
        self.flavor_name = flavor_name_of(spec_obj)
        tiers = self.request.tiers
        self.demand = (nvme_demand(spec_obj, self.settings.nvme_aliases)
                       if storage.NVME in tiers else None)
        self._entries = {}
        self._fallbacks = {}
        self._warnings = 0

    @property
    def tagged(self):
        return self.request.tagged

    def verdict(self, host_state):
        """The Verdict for one HostState, NVMe devices counted."""
        entry = self._entry(host_state.aggregates)
        facts, verdict = entry.facts, entry.verdict
        if entry.needs_fallback:
            facts, verdict = self._fallback(host_state, entry)
        if self.demand is not None:
            stats = host_state.pci_stats
            if stats is not None and stats.pools:
                return self._judge(facts, verdicts.NvmeSupply(
                    count_free_devices(stats, self.demand.specs),
                    self.demand.needed))
        return verdict

    def partition(self, hosts):
        """Split hosts into (passing hosts, verdicts of the rejected).

        The filter's hot path: per host, a key and one dict look-up; the
        full :meth:`verdict` only for hosts whose own data matters.
        """
        entries = self._entries
        passed, rejected = [], []
        keep, reject = passed.append, rejected.append
        for host in hosts:
            aggs = host.aggregates
            count = len(aggs)
            key = (id(aggs[0]) if count == 1 else
                   (id(aggs[0]), id(aggs[1])) if count == 2 else
                   tuple(map(id, aggs)) if count else None)
            entry = entries.get(key)
            if entry is None:
                entry = self._entry(aggs)
            verdict = entry.filter_verdict
            if verdict is None:
                verdict = self.verdict(host)
            if verdict.passes:
                keep(host)
            else:
                reject(verdict)
        return passed, rejected

    def weights(self, hosts):
        """Raw weigher weights of hosts, in order."""
        entries = self._entries
        per_host = self.demand is not None
        result = []
        add = result.append
        for host in hosts:
            aggs = host.aggregates
            count = len(aggs)
            key = (id(aggs[0]) if count == 1 else
                   (id(aggs[0]), id(aggs[1])) if count == 2 else
                   tuple(map(id, aggs)) if count else None)
            entry = entries.get(key)
            if entry is None:
                entry = self._entry(aggs)
            if entry.needs_fallback or (
                    per_host and host.pci_stats is not None and
                    host.pci_stats.pools):
                add(tier_weight(self.verdict(host)))
            else:
                add(entry.weight)
        return result

    def _entry(self, aggregates):
        """The cached _Entry of an aggregate list."""
        key = aggregates_key(aggregates)
        entry = self._entries.get(key)
        if entry is not None:
            return entry
        facts = host_facts.facts_from_aggregates(
            _aggregate_pairs(aggregates), self.settings.backend_key)
        self._warn_about(facts)
        needs_fallback = (self.request.tagged and facts.value is None and
                          not facts.conflict and
                          bool(self.settings.host_backends))
        verdict = self._judge(facts)
        entry = _Entry(facts, verdict, needs_fallback,
                       None if needs_fallback or self._nvme_may_change(
                           facts, verdict) else verdict,
                       tier_weight(verdict))
        self._entries[key] = entry
        return entry

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

    def _judge(self, facts, nvme=None):
        request = self.request
        if not request.tagged:
            return verdicts.judge_untagged(facts.dedicated,
                                           self.settings.isolate)
        if request.error:
            return verdicts.invalid_request(request.error)
        return verdicts.judge(request.tiers, facts, nvme,
                              self.settings.allow_nvme,
                              self.settings.backend_key)

    def _warn_about(self, facts):
        key_name = self.settings.backend_key
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
