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

"""The rack-spread contract: one group's Aerospike nodes, balanced by rack.

* A *failure domain* (a rack) is a host's availability zone by default, or
  the value of the aggregate metadata key ``failure_domain_key`` names
  (e.g. ``rack``). One value per host: aggregates that disagree, or an
  empty value, leave the host without a domain (:func:`domain_of`), as a
  custom key no aggregate of the host sets does. A host with no aggregate
  setting ``availability_zone`` is in nova's default zone.
* It applies to requests of tagged flavors (``aerospike:*``) booted into a
  server group whose policy spreads (``anti-affinity`` or
  ``soft-anti-affinity``): that is how a tenant opts in. The scheduler
  hint ``aerospike_rack_spread`` chooses the form: ``preferred`` (the
  default: the weigher prefers the least-used domain), ``strict`` (the
  AerospikeRackFilter, where enabled, refuses any host that would unbalance
  the group) or ``off`` (the tenant opts out).
* *Balanced*: no domain gets another node of the group while another
  domain has fewer. The preferred form picks, among the candidate hosts,
  those of the domains with the fewest nodes; the strict form also counts
  the domains that hold nodes of the group but have no candidate host left
  (full, or refused by another filter), and refuses a host whose domain
  has more nodes than one of them: no host rather than a lopsided cluster.
  Counted per domain: the group's members on its hosts, the instance being
  placed excluded (a move), the nodes placed so far in the same
  multi-create request included.

Pure Python; no nova import: aggregates are ``(name, metadata)`` pairs.
"""

import collections

#: The scheduler hint that chooses the form of spreading.
HINT = 'aerospike_rack_spread'
PREFERRED = 'preferred'
STRICT = 'strict'
OFF = 'off'
#: The hint's values; the first is the default.
MODES = (PREFERRED, STRICT, OFF)
#: Server group policies whose members are spread.
SPREAD_POLICIES = frozenset(('anti-affinity', 'soft-anti-affinity'))
#: nova's availability zone metadata key, the default failure domain key.
AZ_KEY = 'availability_zone'
#: nova's ``[DEFAULT] default_availability_zone`` default.
DEFAULT_ZONE = 'nova'
#: The server metadata key ``aerospike-filters rack label`` sets to a
#: node's domain; the guest reads it from meta_data.json's ``meta``.
RACK_METADATA_KEY = 'aerospike_rack'

#: Weights (fixed bounds 0 to 1): a host in a least-used domain weighs at
#: least LEAST_DOMAIN_WEIGHT, any other host at most HOST_SPREAD_WEIGHT,
#: the rest spreads the group over the hosts of one domain.
LEAST_DOMAIN_WEIGHT = 0.75
HOST_SPREAD_WEIGHT = 0.25
#: The weight of a host whose domain is unknown (a bad rack value).
NEUTRAL_WEIGHT = 0.5

Domain = collections.namedtuple('Domain', 'name error')
Domain.__doc__ = """A host's failure domain: ``name``, or None and
``error``, one sentence saying why it has none and the fix."""

Placement = collections.namedtuple('Placement', 'domain domain_count '
                                   'host_count least passes weight')
Placement.__doc__ = """What the contract says of one candidate host.

``domain``: its :class:`Domain`. ``domain_count``: the group's nodes in
that domain (None when the domain is unknown). ``host_count``: the group's
nodes on the host. ``least``: the fewest nodes of any domain with a
candidate host or a node of the group. ``passes``: the strict form lets the
host take the node. ``weight``: the preferred form's weight, 0 to 1.
"""


def mode_of(value):
    """The spread mode a hint value names, or (None, error).

    :param value: the hint's value as nova keeps it (a list of strings, or
        a string); None when the hint is absent.
    :returns: ``(mode, error)``; ``error`` is one sentence with the fix.
    """
    if isinstance(value, (list, tuple)):
        value = value[0] if len(value) == 1 else value
    if value is None:
        return PREFERRED, None
    word = value.strip().lower() if isinstance(value, str) else None
    if word in MODES:
        return word, None
    return None, ('scheduler hint %s=%r is invalid; use one of %s'
                  % (HINT, value, ', '.join(MODES)))


def applies(tagged, policy, mode):
    """Whether the contract applies to a request."""
    return bool(tagged and policy in SPREAD_POLICIES and mode != OFF)


def domain_of(aggregates, key=AZ_KEY, default_zone=DEFAULT_ZONE):
    """The failure domain of a host, from its aggregates' metadata.

    :param aggregates: ``(name, metadata)`` pairs of the host's aggregates.
    :param key: the metadata key naming the domain.
    :param default_zone: the zone of a host no aggregate puts in one (only
        when ``key`` is ``availability_zone``).
    """
    found = [(name, metadata[key]) for name, metadata in aggregates
             if key in metadata]
    for name, value in found:
        if not isinstance(value, str) or not value.strip():
            return Domain(None, 'aggregate %r sets %s to an empty value; '
                          'give it the rack name' % (name, key))
    values = sorted({value.strip() for _, value in found})
    if len(values) > 1:
        names = [name for name, value in found
                 if value.strip() in values[:2]]
        return Domain(None, 'aggregates %s put the host in %s %s; keep the '
                      'host in one of them' % (
                          ' and '.join(repr(n) for n in names[:2]), key,
                          ' and '.join(values[:2])))
    if values:
        return Domain(values[0], None)
    if key == AZ_KEY:
        return Domain(default_zone, None)
    return Domain(None, 'no aggregate of the host sets %s; add the host '
                  'to its rack\'s aggregate' % key)


def domain_counts(member_hosts, domains):
    """Nodes of the group per domain.

    :param member_hosts: ``{host: nodes of the group on it}``.
    :param domains: ``{host: Domain}`` for at least those hosts; a host
        with no known domain counts nowhere.
    """
    counts = collections.Counter()
    for host, nodes in member_hosts.items():
        domain = domains.get(host)
        if domain is not None and domain.name is not None and nodes > 0:
            counts[domain.name] += nodes
    return counts


def place(candidates, domains, member_hosts):
    """The :class:`Placement` of each candidate host, in order.

    :param candidates: the candidate host names, in order.
    :param domains: ``{host: Domain}`` for the candidates and the member
        hosts.
    :param member_hosts: ``{host: nodes of the group on it}``.
    """
    counts = domain_counts(member_hosts, domains)
    known = [domains[host].name for host in candidates
             if domains[host].name is not None]
    least = min((counts[name] for name in known), default=0)
    ceiling = max((counts[name] for name in known), default=0)
    # The strict form also weighs the domains holding nodes but no
    # candidate: a full rack does not make its neighbours fair game.
    floor = min([counts[name] for name in known] + list(counts.values()),
                default=0)
    result = []
    for host in candidates:
        domain = domains[host]
        on_host = member_hosts.get(host, 0)
        if domain.name is None:
            result.append(Placement(domain, None, on_host, floor, False,
                                    NEUTRAL_WEIGHT))
            continue
        count = counts[domain.name]
        spread = HOST_SPREAD_WEIGHT / (1 + on_host)
        if count == least:
            weight = LEAST_DOMAIN_WEIGHT + spread
        else:
            # Fuller domains weigh less, all below the least-used ones.
            weight = spread * (ceiling - count + 1) / (ceiling - least + 1)
        result.append(Placement(domain, count, on_host, floor,
                                count <= floor, weight))
    return result


def describe_counts(counts, domains_seen):
    """``rack-a=1 rack-b=0``: the group's nodes per domain, for tools."""
    names = sorted(set(counts) | set(domains_seen))
    return ' '.join('%s=%d' % (name, counts.get(name, 0)) for name in names)


def unbalanced(counts, suitable_domains):
    """Whether the group's nodes are unbalanced over ``suitable_domains``.

    Unbalanced when a domain holds two or more nodes more than another
    suitable domain (a difference of one is unavoidable with a node count
    the domains do not divide).
    """
    known = set(counts) | set(suitable_domains)
    if len(known) < 2 or not suitable_domains:
        # No suitable domain: no move would balance the group.
        return False
    values = [counts.get(name, 0) for name in known
              if name in suitable_domains or counts.get(name, 0)]
    low = min(counts.get(name, 0) for name in suitable_domains)
    return max(values) - low >= 2
