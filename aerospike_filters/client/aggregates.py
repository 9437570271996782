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

"""nova's host aggregates, as sync moves hosts between them.

Each change is retried on transient failures; the statuses a concurrent
run explains (the host left or joined already, the aggregate exists) are
no failure.
"""

from aerospike_filters.client import http


def every(conn):
    """Every host aggregate, one read without retries (a snapshot's)."""
    return list(conn.compute.aggregates())


def listed(conn, retry):
    """Every host aggregate, with retries."""
    return retry('Listing host aggregates',
                 lambda: list(conn.compute.aggregates()))


def remove_host(conn, retry, aggregate, host):
    """Remove ``host`` from ``aggregate``; gone already is fine."""
    return http.tolerating(
        retry, (404, 409), 'Removing %s from %s' % (host, aggregate.name),
        conn.compute.remove_host_from_aggregate, aggregate, host)


def create(conn, retry, name):
    """Create the aggregate ``name``; a concurrent run's is fine (409)."""
    return http.tolerating(retry, (409,), 'Creating %s' % name,
                           conn.compute.create_aggregate, name=name)


def add_host(conn, retry, aggregate, host):
    """Add ``host`` to ``aggregate``; there already is fine (409)."""
    return http.tolerating(
        retry, (409,), 'Adding %s to %s' % (host, aggregate.name),
        conn.compute.add_host_to_aggregate, aggregate, host)


def set_metadata(conn, retry, aggregate, metadata):
    """Set metadata keys of ``aggregate``."""
    return retry('Setting metadata of %s' % aggregate.name,
                 conn.compute.set_aggregate_metadata, aggregate, metadata)
