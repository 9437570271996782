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

"""One request's rack spread over Nova HostStates.

The bridge between nova's RequestSpec and HostStates and the pure
:mod:`~aerospike_filters.rack_spread` contract, shared by the
AerospikeRackWeigher (preferred) and the AerospikeRackFilter (strict).

What nova gives the scheduler, read as the contract counts it:

* a candidate host's nodes of the group: its ``HostState.instances`` that
  are members, the instance being placed excluded (nova adds each node it
  places in a multi-create request there, and a moving instance is not
  counted where it leaves);
* a member host that is no candidate: as many nodes as it appears in the
  group's ``hosts`` (nova lists each member host once and appends each host
  it picks in the same request), one fewer when the request ignores it (the
  source host of a move); its domain is read from its aggregates in the
  API database, once per request, and only for such hosts.

Only requests of tagged flavors in a spreading server group get this far:
every other request is answered from three attribute reads.
"""

import nova.conf as nova_conf
from nova import context as nova_context
from nova import objects
from oslo_log import log as logging

from aerospike_filters import rack_spread
from aerospike_filters.scheduler import evaluation
from aerospike_filters import storage_request

LOG = logging.getLogger(__name__)


def group_of(spec_obj):
    """The RequestSpec's server group when its policy spreads, else None."""
    if not spec_obj.obj_attr_is_set('instance_group'):
        return None
    group = spec_obj.instance_group
    if group is None:
        return None
    policy = group.policy if group.obj_attr_is_set('policy') else None
    return group if policy in rack_spread.SPREAD_POLICIES else None


def hint_of(spec_obj):
    """The ``aerospike_rack_spread`` hint as nova keeps it, or None."""
    if not spec_obj.obj_attr_is_set('scheduler_hints'):
        return None
    return (spec_obj.scheduler_hints or {}).get(rack_spread.HINT)


def group_label(group):
    """The group for log lines: its name and UUID."""
    name = group.name if group.obj_attr_is_set('name') else None
    uuid = group.uuid if group.obj_attr_is_set('uuid') else '?'
    return '%s (%s)' % (name, uuid) if name else uuid


class RackEvaluation:
    """The rack spread of one request, or why there is none.

    ``applies``: the contract applies (tagged flavor, spreading group, the
    hint not ``off``). ``mode``: the hint's mode. ``error``: the hint's
    error (the request is then refused by the strict form, weighed 0 by the
    preferred one).
    """

    def __init__(self, spec_obj, settings):
        self.settings = settings
        self.group = group_of(spec_obj)
        self.mode, self.error = rack_spread.PREFERRED, None
        self.applies = False
        if self.group is None:
            return
        if not storage_request.is_tagged(evaluation.extra_specs_of(spec_obj)):
            return
        self.mode, self.error = rack_spread.mode_of(hint_of(spec_obj))
        self.applies = self.mode != rack_spread.OFF
        self.spec_obj = spec_obj
        self.label = group_label(self.group)

    def placements(self, hosts):
        """The :class:`rack_spread.Placement` of each host, in order."""
        group = self.group
        placing = (self.spec_obj.instance_uuid
                   if self.spec_obj.obj_attr_is_set('instance_uuid')
                   else None)
        members = set(group.members if group.obj_attr_is_set('members')
                      else ()) - {placing}
        key = self.settings.failure_domain_key
        zone = nova_conf.CONF.default_availability_zone
        domains, member_hosts, memo = {}, {}, {}
        for host in hosts:
            aggregates = host.aggregates
            memo_key = tuple(map(id, aggregates))
            domain = memo.get(memo_key)
            if domain is None:
                domain = memo[memo_key] = rack_spread.domain_of(
                    [(agg.name, agg.metadata) for agg in aggregates],
                    key, zone)
            domains[host.host] = domain
            if members:
                member_hosts[host.host] = len(
                    members.intersection(host.instances))
        ignored = set(self.spec_obj.ignore_hosts or ()) if (
            self.spec_obj.obj_attr_is_set('ignore_hosts')) else set()
        others = {}
        for name in (group.hosts if group.obj_attr_is_set('hosts')
                     else None) or ():
            if name not in domains:
                others[name] = others.get(name, 0) + 1
        for name in others:
            member_hosts[name] = others[name] - (1 if name in ignored else 0)
        unknown = [name for name in others if member_hosts[name] > 0]
        domains.update(self._domains_of(unknown, key, zone))
        placements = rack_spread.place([host.host for host in hosts],
                                       domains, member_hosts)
        self._log(hosts, placements, domains, member_hosts)
        return placements

    def _domains_of(self, names, key, zone):
        """Domains of member hosts that are no candidates, from the DB."""
        if not names:
            return {}
        try:
            context = nova_context.get_admin_context()
            found = {}
            for name in names:
                aggregates = objects.AggregateList.get_by_host(context, name)
                found[name] = rack_spread.domain_of(
                    [(agg.name, agg.metadata) for agg in aggregates],
                    key, zone)
            return found
        except Exception as exc:
            LOG.warning('Aerospike rack spread: group %(group)s: the '
                        'aggregates of member hosts %(hosts)s could not be '
                        'read (%(exc)s); their nodes count in no domain.',
                        {'group': self.label, 'hosts': ', '.join(names),
                         'exc': exc.__class__.__name__})
            return {name: rack_spread.Domain(None, 'aggregates unreadable')
                    for name in names}

    def _log(self, hosts, placements, domains, member_hosts):
        """One line per request when a host or a member has no domain."""
        lost = [host.host for host, placement in zip(hosts, placements)
                if placement.domain.name is None]
        uncounted = sorted(name for name, nodes in member_hosts.items()
                           if nodes > 0 and domains.get(
                               name, rack_spread.Domain(None, '')).name
                           is None)
        if not (lost or uncounted):
            return
        first = next((domains[name].error for name in lost + uncounted
                      if domains.get(name) and domains[name].error), '')
        LOG.warning('Aerospike rack spread: group %(group)s: %(lost)d '
                    'candidate host(s) and %(uncounted)d member host(s) '
                    'have no failure domain (%(key)s), e.g. %(host)s: '
                    '%(why)s.',
                    {'group': self.label, 'lost': len(lost),
                     'uncounted': len(uncounted),
                     'key': self.settings.failure_domain_key,
                     'host': (lost + uncounted)[0], 'why': first})
