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

"""The trait contract: placement pre-selects the hosts a flavor can use.

nova-scheduler filters only the candidates placement returns (at most
``[scheduler] max_placement_results``), and nova flavors can require a
trait but cannot ask for one of several. So there is one custom trait per
accepted-tier set (7 for the tiers nvme, lvm, raw), named after the set:
``CUSTOM_AEROSPIKE_STORAGE_LVM_RAW`` for lvm or raw, and so on.

* A compute node carries the trait of every set it can serve: exactly the
  sets for which :func:`aerospike_filters.verdicts.judge` passes it, with
  its NVMe devices counted (used or free: traits must not change with
  every boot). The filter's rule stays the one source of truth.
* A tagged flavor requires exactly the trait of its effective set
  (``trait:<TRAIT>=required``): ``aerospike:storage=local`` without NVMe
  devices requires ``CUSTOM_AEROSPIKE_STORAGE_LVM_RAW``.

Every trait starting with :data:`TRAIT_PREFIX` is managed, except the facts:
publishing sets exactly the computed ones and leaves every other trait
alone (earlier releases' ``CUSTOM_AEROSPIKE_BACKEND_*`` traits are
managed, so removed).

Facts (:data:`FACT_PREFIX`) are what a compute says of itself through
nova's provider config (``probe --provider-config``): its backend
(``CUSTOM_AEROSPIKE_FACT_BACKEND_LVM``) and, if any, its NVMe
passthrough drive count (``CUSTOM_AEROSPIKE_FACT_NVME_2``). nova-compute
owns them (it re-adds them at every start): the tools never publish
them, and only ``trait sync-facts`` removes them, from a host whose
facts conflict.
Pure Python; no nova import.
"""

import collections
import itertools

from aerospike_filters import snapshot_format
from aerospike_filters import storage
from aerospike_filters import storage_request
from aerospike_filters import verdicts

#: Every trait starting with this is managed by the plugin's tools.
TRAIT_PREFIX = 'CUSTOM_AEROSPIKE_'
#: The tier-set traits.
STORAGE_PREFIX = TRAIT_PREFIX + 'STORAGE_'
#: How a flavor requires a trait (nova's extra spec syntax).
FLAVOR_SPEC_PREFIX = 'trait:'
REQUIRED = 'required'
#: The facts a compute publishes of itself (nova's provider config).
FACT_PREFIX = TRAIT_PREFIX + 'FACT_'
#: A fact trait per backend: ``CUSTOM_AEROSPIKE_FACT_BACKEND_<BACKEND>``.
BACKEND_FACT_PREFIX = FACT_PREFIX + 'BACKEND_'
#: The NVMe passthrough drive count: ``CUSTOM_AEROSPIKE_FACT_NVME_<N>``.
NVME_FACT_PREFIX = FACT_PREFIX + 'NVME_'

#: Every non-empty set of tiers, each in the tiers' order of preference.
TIER_SETS = tuple(frozenset(combination)
                  for size in range(1, len(storage.TIERS) + 1)
                  for combination in itertools.combinations(storage.TIERS,
                                                            size))


def trait_for_tiers(tiers):
    """The trait of a tier set: ``CUSTOM_AEROSPIKE_STORAGE_<TIERS>``."""
    return STORAGE_PREFIX + '_'.join(
        tier.upper() for tier in storage.TIERS if tier in tiers)


#: The traits the tools publish, one per tier set.
ALL_TRAITS = tuple(trait_for_tiers(tiers) for tiers in TIER_SETS)


def is_managed(trait):
    """Whether the plugin's tools own this trait (facts are nova-compute's)."""
    return (isinstance(trait, str) and trait.startswith(TRAIT_PREFIX) and
            not is_fact(trait))


def is_fact(trait):
    """Whether this is a fact a compute published of itself."""
    return isinstance(trait, str) and trait.startswith(FACT_PREFIX)


def backend_fact(backend):
    """The fact trait of a (canonical) backend name."""
    return BACKEND_FACT_PREFIX + backend.upper()


def fact_traits(backend, nvme_devices):
    """The fact traits of a probed host: its backend, its NVMe count."""
    found = [backend_fact(backend)]
    if nvme_devices:
        found.append(NVME_FACT_PREFIX + str(int(nvme_devices)))
    return sorted(found)


#: Every backend fact trait there can be, {trait: backend}.
BACKEND_FACTS = {backend_fact(name): name for name in storage.BACKENDS}

Facts = collections.namedtuple('Facts', 'backend nvme_devices conflicts')
Facts.__doc__ = """What a provider's fact traits say: ``backend`` (None
when none or several), ``nvme_devices`` (0 when none said) and
``conflicts``, the fact traits that contradict each other (a stale
fact left by a changed nova.conf: nova-compute never removes one)."""


def facts_of(traits):
    """The :class:`Facts` of a provider's traits, or None if it has none."""
    facts = sorted(t for t in traits if is_fact(t))
    if not facts:
        return None
    backends = [t for t in facts if t in BACKEND_FACTS]
    counts = [t for t in facts if t.startswith(NVME_FACT_PREFIX) and
              t[len(NVME_FACT_PREFIX):].isdigit()]
    # Facts of a later release are not this one's to judge: ignored.
    if len(backends) > 1 or len(counts) > 1:
        return Facts(None, 0, sorted(backends + counts))
    if not backends:
        # An NVMe count alone says nothing of the backend: unsuitable.
        return Facts(None, 0, [])
    return Facts(BACKEND_FACTS[backends[0]],
                 int(counts[0][len(NVME_FACT_PREFIX):]) if counts else 0,
                 [])


def flavor_spec(trait):
    """The flavor extra spec key that requires ``trait``."""
    return FLAVOR_SPEC_PREFIX + trait


def flavor_trait(extra_specs,
                 nvme_aliases=storage_request.DEFAULT_NVME_ALIASES):
    """The trait a flavor must require, or None (untagged or invalid)."""
    request = storage_request.parse_request(extra_specs, nvme_aliases)
    if not request.tagged or request.error:
        return None
    return trait_for_tiers(request.tiers)


def flavor_traits(extra_specs):
    """The managed traits a flavor's extra specs mention: {trait: value}."""
    return {key[len(FLAVOR_SPEC_PREFIX):]: value
            for key, value in (extra_specs or {}).items()
            if key.startswith(FLAVOR_SPEC_PREFIX) and
            is_managed(key[len(FLAVOR_SPEC_PREFIX):])}


def host_traits(facts, nvme_devices, allow_nvme_on_unsuitable=False):
    """The traits a compute node carries, from what the filter knows of it.

    :param facts: the host's :class:`host_facts.HostFacts`.
    :param nvme_devices: NVMe passthrough devices the host has (used or
        free), an integer.
    """
    supply = (verdicts.NvmeSupply(nvme_devices, 1) if nvme_devices
              else None)
    return frozenset(
        trait_for_tiers(tiers) for tiers in TIER_SETS
        if verdicts.judge(tiers, facts, supply,
                          allow_nvme_on_unsuitable).passes)


def traits_to_publish(facts, nvme_devices, current,
                      allow_nvme_on_unsuitable=False):
    """The managed traits a compute node should carry now.

    :param nvme_devices: its NVMe device count, or None when unknown (the
        cloud does not report PCI devices to placement and no probe
        said): then the traits that depend on NVMe devices stay as they
        are in ``current``, and every other trait follows the facts.
    :param current: the traits the node's provider carries now.
    """
    if nvme_devices is not None:
        return host_traits(facts, nvme_devices, allow_nvme_on_unsuitable)
    without = host_traits(facts, 0, allow_nvme_on_unsuitable)
    with_nvme = host_traits(facts, 1, allow_nvme_on_unsuitable)
    return without | (with_nvme & frozenset(current))


def drift(current, wanted):
    """(missing, extra) managed traits of a provider."""
    have = frozenset(t for t in current if is_managed(t))
    return sorted(wanted - have), sorted(have - wanted)


def wanted_traits(data, settings, aliases, nvme_counts=None):
    """{host: callable(current traits) -> the managed traits it should carry}.

    From the cloud's data as the filter sees it: aggregate metadata, the
    ``host_backends`` option and each host's NVMe devices (unknown when the
    cloud does not report PCI devices to placement: then the traits that
    depend on them stay as they are).

    :param data: a snapshot dict (live or a file).
    :param settings: conf.Settings of the scheduler's nova.conf.
    :param aliases: the ``[pci] alias`` entries, as dicts.
    :param nvme_counts: {host: NVMe devices, or None when unknown} known
        otherwise (a probe), instead of counting the snapshot's devices.
    """
    facts = snapshot_format.facts_of_hosts(
        data, settings.ephemeral_backend_key, settings.host_backends)
    pci_known = data.get('pci_in_placement', True)
    wanted = {}
    for host in data['hosts']:
        name = host['host']
        if nvme_counts is not None and name in nvme_counts:
            nvme = nvme_counts[name]
        else:
            nvme = snapshot_format.nvme_devices(
                host, aliases, settings.nvme_pci_aliases, pci_known)
        wanted[name] = _wanted(facts[name], nvme,
                               settings.allow_nvme_on_unsuitable_backend)
    return wanted


def _wanted(facts, nvme, allow):
    def wanted(current):
        return traits_to_publish(facts, nvme, current, allow)
    return wanted
