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

"""Replay the real filter and weigher over a snapshot of a cloud.

Builds nova's own scheduler objects (HostState, Aggregate, PciDeviceStats,
Flavor, RequestSpec with InstancePCIRequests) from a snapshot dict and runs
AerospikeStorageFilter and AerospikeStorageWeigher through nova's
HostFilterHandler and HostWeightHandler, as nova-scheduler does.
"""

import collections
import json

from nova import objects
from nova.objects import pci_device_pool
from nova.pci import request as pci_request
from nova.pci import stats as pci_stats
from nova.scheduler import filters
from nova.scheduler import host_manager
from nova.scheduler import weights
from oslo_utils import uuidutils

from aerospike_filters import conf
from aerospike_filters.scheduler import evaluation
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher

CONF = conf.CONF

Row = collections.namedtuple(
    'Row', 'rank host passes tier weight reason state')


def _service_state(state):
    if getattr(state, 'down', False):
        return 'down'
    return 'disabled' if getattr(state, 'disabled', False) else 'up'


def _register_objects():
    objects.register_all()


def use_pci_aliases(aliases):
    """Make ``[pci] alias`` the snapshot's aliases (nova's own parser)."""
    CONF.set_override('alias', [json.dumps(a) for a in aliases], group='pci')
    pci_request.get_alias_from_config.cache_clear()


def host_states(snapshot):
    """HostState objects for the snapshot's hosts, with aggregates."""
    _register_objects()
    aggregates = {}
    for index, agg in enumerate(snapshot.get('aggregates', []), start=1):
        aggregate = objects.Aggregate(
            id=index, uuid=uuidutils.generate_uuid(), name=agg['name'],
            hosts=list(agg.get('hosts', [])),
            metadata=dict(agg.get('metadata', {})))
        for member in aggregate.hosts:
            aggregates.setdefault(member, []).append(aggregate)
    states = []
    for host in snapshot['hosts']:
        name = host['host']
        state = host_manager.HostState(
            name, host.get('nodename', name), uuidutils.generate_uuid())
        state.free_ram_mb = host.get('free_ram_mb', 0)
        state.aggregates = aggregates.get(name, [])
        state.pci_stats = pci_stats.PciDeviceStats(
            None, stats=pci_device_pool.from_pci_stats(
                [dict(pool) for pool in host.get('pci_pools', [])]))
        state.disabled = host.get('disabled', False)
        state.down = host.get('down', False)
        states.append(state)
    return states


def request_spec(extra_specs, flavor_name='what-if'):
    """A RequestSpec for a flavor with these extra specs.

    Its PCI requests come from nova's own translation of
    ``pci_passthrough:alias``.
    """
    _register_objects()
    flavor = objects.Flavor(
        name=flavor_name, flavorid=flavor_name, memory_mb=1024, vcpus=1,
        root_gb=10, ephemeral_gb=0, swap=0,
        extra_specs=dict(extra_specs))
    return objects.RequestSpec(
        flavor=flavor, num_instances=1,
        instance_uuid=uuidutils.generate_uuid(),
        pci_requests=pci_request.get_pci_requests_from_flavor(flavor),
        numa_topology=None, scheduler_hints={})


def explain(states, spec_obj):
    """Rank hosts: passing ones by weight, then the rejected ones.

    Pass or reject comes from nova's HostFilterHandler running the filter;
    the weight from nova's HostWeightHandler running the weigher; the tier
    and the reason from the same RequestVerdicts the filter uses.
    """
    passed = filters.HostFilterHandler().get_filtered_objects(
        [storage_filter.AerospikeStorageFilter()], states, spec_obj) or []
    weighed = weights.HostWeightHandler().get_weighed_objects(
        [storage_weigher.AerospikeStorageWeigher()], passed, spec_obj)
    weight_of = {id(w.obj): w.weight for w in weighed}
    request_verdicts = evaluation.RequestVerdicts(spec_obj)
    passed_ids = {id(state) for state in passed}
    rows = []
    ordered = [w.obj for w in weighed] + [
        s for s in states if id(s) not in passed_ids]
    for rank, state in enumerate(ordered, start=1):
        verdict = request_verdicts.verdict(state)
        passes = id(state) in passed_ids
        rows.append(Row(
            rank if passes else None, state.host, passes,
            verdict.tier if passes else None,
            weight_of.get(id(state)) if passes else None,
            verdict.reason, _service_state(state)))
    return rows
