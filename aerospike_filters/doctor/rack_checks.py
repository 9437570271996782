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

"""Checks of the rack spread: server groups and failure domains.

The data's ``server_groups`` (a live cloud's, or a snapshot's) against the
contract of :mod:`aerospike_filters.rack_spread`; which hosts suit a
flavor is the real filter's answer (:meth:`.context.Context.hosts_for`).
"""

import shlex

from aerospike_filters.doctor import findings
from aerospike_filters import rack_spread
from aerospike_filters import snapshot_format
from aerospike_filters import storage_request
from aerospike_filters.sync import aggregate_plan

#: The first microversion at which a cold migration names its host.
MIGRATE_HOST_MICROVERSION = '2.56'


def _domains(context):
    """{host: rack_spread.Domain} of the data's hosts."""
    from aerospike_filters.whatif import replay
    return snapshot_format.domains_of_hosts(
        context.data, context.settings.failure_domain_key,
        replay.default_zone())


def move_command(server, host):
    """The commands that cold-migrate ``server`` to ``host`` and confirm."""
    return '%s && %s' % (
        aggregate_plan.openstack_command(
            '--os-compute-api-version', MIGRATE_HOST_MICROVERSION, 'server',
            'migrate', '--host', host, '--wait', server),
        aggregate_plan.openstack_command('server', 'resize', 'confirm',
                                         server))


def choose_move(group, domains, suitable_hosts):
    """(member id, its host, target host) that evens the group, or None.

    From the fullest domain, a node of the most crowded host; to the
    suitable host with the fewest nodes of the group (none, for
    ``anti-affinity``) in the emptiest domain that can take one.
    """
    members = snapshot_format.member_hosts(group)
    counts = rack_spread.domain_counts(members, domains)
    if not counts:
        return None
    fullest = max(sorted(counts), key=lambda name: counts[name])
    source = max(sorted(h for h in members
                        if domains.get(h) and domains[h].name == fullest),
                 key=lambda h: members[h])
    mover = sorted(m['id'] for m in group.get('members', [])
                   if m.get('host') == source)[0]
    strict = group['policy'] == 'anti-affinity'
    targets = sorted(
        (counts.get(domains[h].name, 0), members.get(h, 0), h)
        for h in suitable_hosts
        if domains[h].name is not None and
        counts.get(domains[h].name, 0) <= counts[fullest] - 2 and
        not (strict and members.get(h, 0)))
    if not targets:
        return None
    return mover, source, targets[0][2]


def unbalanced_groups(context):
    """Spreading server groups of tagged flavors unbalanced over domains."""
    if not context.cloud or not context.data.get('server_groups'):
        return []
    domains = _domains(context)
    key = context.settings.failure_domain_key
    found = []
    for group in context.data['server_groups']:
        if group['policy'] not in rack_spread.SPREAD_POLICIES:
            continue
        tagged = [m for m in group.get('members', [])
                  if storage_request.is_tagged(m.get('extra_specs', {}))]
        if not tagged:
            continue
        suitable = context.hosts_for(tagged[0]['extra_specs']).passing
        suitable_domains = {domains[h].name for h in suitable
                            if domains[h].name is not None}
        counts = rack_spread.domain_counts(
            snapshot_format.member_hosts(group), domains)
        if not rack_spread.unbalanced(counts, suitable_domains):
            continue
        move = choose_move(group, domains, suitable)
        described = rack_spread.describe_counts(counts, suitable_domains)
        subject = "server group '%s'" % (group['name'] or group['id'])
        problem = ('its Aerospike nodes are unbalanced over the failure '
                   'domains (%s: %s): losing the fullest loses more of '
                   'the cluster than needed' % (key, described))
        if move is None:
            found.append(findings.Finding(
                findings.WARNING, subject, problem + '; no suitable host '
                'of an emptier domain is free to take a node',
                'add hosts to the emptier domains (%s), then run '
                'doctor again' % ', '.join(sorted(
                    d for d in suitable_domains
                    if counts.get(d, 0) < max(counts.values())))))
            continue
        mover, source, target = move
        found.append(findings.Finding(
            findings.WARNING, subject,
            '%s; move node %s from %s (%s) to %s (%s), then run doctor '
            'again' % (problem, mover, source, domains[source].name, target,
                       domains[target].name),
            move_command(mover, target)))
    return found


def empty_domains(context):
    """Failure domains with no host suitable for any tagged flavor."""
    if not context.cloud:
        return []
    specs = [f.get('extra_specs', {}) for f in context.data.get('flavors', [])
             if storage_request.is_tagged(f.get('extra_specs', {}))]
    if not specs:
        return []
    domains = _domains(context)
    suitable = {h for spec in specs for h in context.hosts_for(spec).passing}
    suitable_domains = {domains[h].name for h in suitable
                        if domains[h].name is not None}
    hosts_of = {}
    for host, domain in sorted(domains.items()):
        if domain.name is not None:
            hosts_of.setdefault(domain.name, []).append(host)
    if not suitable_domains or len(hosts_of) < 2:
        # No suitable host anywhere: flavor_placement says so.
        return []
    key = context.settings.failure_domain_key
    found = []
    for name, hosts in sorted(hosts_of.items()):
        if name in suitable_domains:
            continue
        found.append(findings.Finding(
            findings.WARNING, "failure domain '%s'" % name,
            'none of its hosts (%s) can take a tagged flavor: server '
            'groups of Aerospike nodes spread over the other %s values '
            'only (%s)' % (', '.join(hosts), key,
                           ', '.join(sorted(suitable_domains))),
            'describe its hosts\' storage: on each of %s: '
            'aerospike-filters probe > report.json && aerospike-filters '
            'sync --report report.json (or, to see why each is refused: '
            '%s)' % (', '.join(shlex.quote(h) for h in hosts),
                     findings.tool('explain', context.tool_args))))
    return found
