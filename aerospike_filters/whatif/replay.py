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
HostFilterHandler and HostWeightHandler, as nova-scheduler does. With a
server group (the snapshot's ``server_groups`` form), the RequestSpec gets
its InstanceGroup, the HostStates their members, and the
AerospikeRackFilter and AerospikeRackWeigher run too.
"""

import collections
import json

from nova import exception as nova_exception
from nova import objects
from nova.objects import pci_device_pool
from nova.pci import request as pci_request
from nova.pci import stats as pci_stats
from nova.scheduler import filters
from nova.scheduler.filters import pci_passthrough_filter
from nova.scheduler import host_manager
from nova.scheduler import weights
from nova import weights as nova_weights
from oslo_utils import uuidutils

from aerospike_filters import conf
from aerospike_filters import rack_spread
from aerospike_filters.scheduler import evaluation
from aerospike_filters.scheduler import rack_filter
from aerospike_filters.scheduler import rack_weigher
from aerospike_filters.scheduler import storage_filter
from aerospike_filters.scheduler import storage_weigher
from aerospike_filters import storage_request
from aerospike_filters import trait_contract

CONF = conf.CONF

#: Row.verdict values.
PASS = 'PASS'
REJECT = 'REJECT'
INELIGIBLE = 'INELIGIBLE'

Row = collections.namedtuple(
    'Row', 'rank host verdict tier weight reason state ineligible')
Row.__doc__ = """One host of an explanation.

``verdict``: PASS (the filter passes it and nova could pick it; ranked),
INELIGIBLE (the filter passes it, but nova would not pick it: service
disabled or down, a required trait missing, or the requested PCI devices
missing) or REJECT (the
filter rejects it). ``weight``: the weigher's contribution (PASS only).
``ineligible``: why nova would not pick the host (INELIGIBLE only).
"""


def _service_state(state):
    if getattr(state, 'down', False):
        return 'down'
    return 'disabled' if getattr(state, 'disabled', False) else 'up'


def _register_objects():
    objects.register_all()


def default_zone():
    """nova's ``[DEFAULT] default_availability_zone``."""
    import nova.conf as nova_conf
    return nova_conf.CONF.default_availability_zone


def use_pci_aliases(aliases):
    """Make ``[pci] alias`` the snapshot's aliases (nova's own parser)."""
    CONF.set_override('alias', [json.dumps(a) for a in aliases], group='pci')
    pci_request.get_alias_from_config.cache_clear()


def use_snapshot_aliases(data):
    """The snapshot's ``pci_aliases``, when it has them, win over nova.conf."""
    if data and 'pci_aliases' in data:
        use_pci_aliases(data['pci_aliases'])


def host_states(snapshot, group=None):
    """HostState objects for the snapshot's hosts, with aggregates.

    :param group: a server group (snapshot form): its members become the
        ``instances`` of their hosts' states, as nova's HostState has them.
    """
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
        # What placement returns for a host without PCI in placement: one
        # allocation candidate mapping no request to a provider.
        state.allocation_candidates = [{'mappings': {}}]
        state.disabled = host.get('disabled', False)
        state.down = host.get('down', False)
        # The managed traits its provider carries, when the snapshot says.
        state.aerospike_traits = (frozenset(host['traits'])
                                  if 'traits' in host else None)
        for member in (group or {}).get('members', []):
            if member.get('host') == name:
                state.instances[member['id']] = objects.Instance(
                    uuid=member['id'], host=name)
        states.append(state)
    return states


class RequestError(ValueError):
    """Extra specs nova would refuse; the message names the spec and fix."""


def validate_extra_specs(extra_specs):
    """Check extra specs with nova-api's own validators (microversion 2.86).

    :raises RequestError: with nova's message, as nova-api answers 400.
    """
    from nova.api.validation.extra_specs import validators
    from nova import exception
    for name, value in sorted(extra_specs.items()):
        try:
            if name == storage_request.PCI_ALIAS_SPEC:
                # nova's own message is its regular expression.
                storage_request.alias_requests(value)
            validators.validate(name, value)
        except storage_request.InvalidAliasRequest as exc:
            raise RequestError(str(exc)) from None
        except exception.ValidationError as exc:
            raise RequestError('%s=%s: %s' % (name, value, exc)) from None


def request_spec(extra_specs, flavor_name='what-if', group=None,
                 spread=None, snapshot=None):
    """A RequestSpec for a flavor with these extra specs.

    Its PCI requests come from nova's own translation of
    ``pci_passthrough:alias`` with ``[pci] alias``.

    :param group: a server group (snapshot form) the instance is booted
        into: the RequestSpec's InstanceGroup (policy, members, hosts).
    :param spread: the ``aerospike_rack_spread`` hint's value, or None.
    :param snapshot: the snapshot dict, whose aggregates give the domains
        of member hosts no filter passes (the scheduler reads them from
        the API database).

    :raises RequestError: when nova cannot translate the PCI request.
    """
    _register_objects()
    flavor = objects.Flavor(
        name=flavor_name, flavorid=flavor_name, memory_mb=1024, vcpus=1,
        root_gb=10, ephemeral_gb=0, swap=0,
        extra_specs=dict(extra_specs))
    alias_spec = extra_specs.get(storage_request.PCI_ALIAS_SPEC)
    try:
        if alias_spec is not None:
            storage_request.alias_requests(alias_spec)
        pci_requests = pci_request.get_pci_requests_from_flavor(flavor)
    except storage_request.InvalidAliasRequest as exc:
        raise RequestError('flavor %s: %s' % (flavor_name, exc)) from None
    except nova_exception.PciRequestAliasNotDefined as exc:
        raise RequestError(
            "flavor %s requests PCI devices (%s=%s) but %s: pass the "
            "scheduler's nova.conf, which defines it in [pci] alias, with "
            "--config-file" % (flavor_name, storage_request.PCI_ALIAS_SPEC,
                               alias_spec, exc)) from None
    except nova_exception.NovaException as exc:
        raise RequestError('flavor %s: %s=%s: %s' % (
            flavor_name, storage_request.PCI_ALIAS_SPEC, alias_spec,
            exc)) from None
    hints = {} if spread is None else {rack_spread.HINT: [spread]}
    spec_obj = objects.RequestSpec(
        flavor=flavor, num_instances=1,
        instance_uuid=uuidutils.generate_uuid(),
        pci_requests=pci_requests, numa_topology=None, scheduler_hints=hints)
    if group is not None:
        members = group.get('members', [])
        spec_obj.instance_group = objects.InstanceGroup(
            uuid=group['id'], name=group['name'], policy=group['policy'],
            members=[m['id'] for m in members],
            hosts=sorted({m['host'] for m in members if m.get('host')}))
        spec_obj.aerospike_host_aggregates = _host_aggregates(snapshot or {})
    return spec_obj


def _host_aggregates(snapshot):
    """{host: [(aggregate name, metadata)]} of a snapshot."""
    found = collections.defaultdict(list)
    for agg in snapshot.get('aggregates', []):
        for host in agg.get('hosts', []):
            found[host].append((agg['name'], dict(agg.get('metadata', {}))))
    return dict(found)


def has_group(spec_obj):
    """Whether the RequestSpec has a server group (explain's Domain)."""
    return (spec_obj.obj_attr_is_set('instance_group') and
            spec_obj.instance_group is not None)


def _weighers(spec_obj):
    found = [storage_weigher.AerospikeStorageWeigher()]
    if has_group(spec_obj):
        found.append(rack_weigher.AerospikeRackWeigher())
    return found


def explain(states, spec_obj):
    """Rank hosts: eligible passing ones by weight, then the others.

    Pass or reject comes from nova's HostFilterHandler running the filter;
    eligibility from the service state, the managed traits the flavor
    requires (when the snapshot knows the hosts' traits) and nova's
    PciPassthroughFilter;
    the weight from nova's HostWeightHandler running the weigher (also for
    a lone host, which nova's handler leaves unweighed); the tier and the
    reason from the same RequestEvaluation the filter uses.
    """
    passed = filters.HostFilterHandler().get_filtered_objects(
        [storage_filter.AerospikeStorageFilter()], states, spec_obj) or []
    passed_ids = {id(state) for state in passed}
    why_not = {id(state): _ineligible(state, spec_obj) for state in passed}
    eligible = [state for state in passed if not why_not[id(state)]]
    refused = []
    if has_group(spec_obj):
        # The strict form judges the hosts nova's other filters leave.
        kept = filters.HostFilterHandler().get_filtered_objects(
            [rack_filter.AerospikeRackFilter()], eligible, spec_obj) or []
        kept_ids = {id(state) for state in kept}
        refused = [state for state in eligible if id(state) not in kept_ids]
        eligible = kept
    weighed = _weigh(eligible, spec_obj)
    request_verdicts = evaluation.RequestEvaluation(spec_obj, warn=False)
    rows = []
    for rank, (state, weight) in enumerate(weighed, start=1):
        verdict = request_verdicts.verdict(state)
        rows.append(Row(rank, state.host, PASS, verdict.tier, weight,
                        verdict.reason, _service_state(state), ''))
    for state in passed:
        if why_not[id(state)]:
            verdict = request_verdicts.verdict(state)
            rows.append(Row(None, state.host, INELIGIBLE, verdict.tier, None,
                            'nova would not pick it: %s; the filter passes '
                            'it: %s' % (why_not[id(state)], verdict.reason),
                            _service_state(state), why_not[id(state)]))
    for state in refused:
        verdict = request_verdicts.verdict(state)
        rows.append(Row(None, state.host, REJECT, verdict.tier, None,
                        'AerospikeRackFilter (strict) refuses it: another '
                        'node in its domain would unbalance the group; the '
                        'storage filter passes it: %s' % verdict.reason,
                        _service_state(state), ''))
    for state in states:
        if id(state) not in passed_ids:
            rows.append(Row(None, state.host, REJECT, None, None,
                            request_verdicts.verdict(state).reason,
                            _service_state(state), ''))
    return rows


def _ineligible(state, spec_obj):
    """Why nova would not pick a host the filter passes, or ''."""
    service = _service_state(state)
    if service != 'up':
        return 'its nova-compute service is %s' % service
    known = getattr(state, 'aerospike_traits', None)
    if known is not None:
        required = sorted(
            trait for trait, value in trait_contract.flavor_traits(
                evaluation.extra_specs_of(spec_obj)).items()
            if value == trait_contract.REQUIRED and trait not in known)
        if required:
            return ('placement does not offer it: it lacks %s'
                    % ', '.join(required))
    if not pci_passthrough_filter.PciPassthroughFilter().host_passes(
            state, spec_obj):
        return 'it lacks the PCI devices the flavor requests'
    return ''


def _weigh(states, spec_obj):
    """(state, weight) pairs, best first, as nova's handler weighs them.

    The storage weigher's contribution, plus the rack weigher's when the
    request has a server group.
    """
    weighers = _weighers(spec_obj)
    if len(states) > 1:
        return [(w.obj, w.weight) for w in
                weights.HostWeightHandler().get_weighed_objects(
                    weighers, states, spec_obj)]
    # nova's handler returns a lone host unweighed; show what it would add.
    objs = [weights.WeighedHost(state, 0.0) for state in states]
    total = [0.0] * len(states)
    for weigher in weighers:
        normalised = nova_weights.normalize(
            weigher.weigh_objects(objs, spec_obj), minval=weigher.minval,
            maxval=weigher.maxval)
        total = [t + weigher.weight_multiplier(state) * value
                 for t, state, value in zip(total, states, normalised)]
    return list(zip(states, total))
