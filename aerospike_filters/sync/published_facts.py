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

"""Follow the facts the computes published: aggregates and tier traits.

On a controller, with the admin credential that lives there only. The
computes publish their facts through nova's provider config (fact traits
on their own resource providers, ``probe --provider-config``); this moves
each host into the aggregate of its backend with the plan and the apply
of compute-side ``sync`` (:mod:`aerospike_filters.sync.aggregate_plan`,
:mod:`aerospike_filters.sync.apply`), and publishes its tier traits as
``trait publish`` does (:mod:`aerospike_filters.sync.provider_traits`).

Requests: one query per fact trait that exists (backends and NVMe counts
in use), the compute services, the aggregates, one query per managed
trait; then requests only for the hosts whose aggregates or traits
change. Not one per host.

A host whose facts contradict each other (two backends: a stale fact
left by a changed nova.conf, which nova-compute never removes) fails
closed: it leaves every backend aggregate, and its fact traits are
removed, for its nova-compute to re-add the current ones at its next
start. A host that published no facts is left alone.
"""

import collections

from aerospike_filters.client import http
from aerospike_filters.client import hypervisors
from aerospike_filters.client import resource_providers
from aerospike_filters.client import services
from aerospike_filters.sync import aggregate_plan
from aerospike_filters.sync import apply
from aerospike_filters.sync import provider_traits
from aerospike_filters import trait_contract

Result = collections.namedtuple(
    'Result', 'host node facts backend steps traits conflicts error')
Result.__doc__ = """What sync-facts did (or would do) for one host."""


def restart_hint(host, conflicts):
    return ('%s: conflicting facts %s (a stale one, left by a changed '
            'nova.conf): it left every backend aggregate and its facts were '
            'removed; restart its nova-compute to publish the current ones'
            % (host, ', '.join(conflicts)))


class FactsSync:
    """One run of ``trait sync-facts``."""

    def __init__(self, conn, settings, retry=None, dry_run=False):
        self.conn = conn
        self.settings = settings
        self.retry = retry or http.Retrying()
        self.dry_run = dry_run
        self.providers = resource_providers.Providers(conn, retry=self.retry)
        self.publisher = apply.Publisher(
            conn, retry=self.retry,
            backend_key=settings.ephemeral_backend_key)
        self.traits = provider_traits.ProviderTraits(conn, retry=self.retry)

    def read(self):
        """{host: (node, uuid, fact traits)} of the hosts with facts."""
        published = self.providers.fact_traits()
        if not published:
            return {}
        hosts = {s.host for s in services.compute_services_retried(
            self.conn, self.retry)}
        node_host = {node: node for node in published if node in hosts}
        if len(node_host) < len(published):
            node_host = hypervisors.node_hosts(self.conn, hosts,
                                               self.providers)
        found = {}
        for node, (uuid, facts) in sorted(published.items()):
            host = node_host.get(node)
            if host is not None:
                found.setdefault(host, (node, uuid, facts))
        return found

    def run(self, only=()):
        """A :class:`Result` per host with facts (``only`` those named)."""
        described = self.read()
        if only:
            described = {h: v for h, v in described.items() if h in only}
        aggregates = self.publisher.aggregates()
        managed = self.providers.managed_traits() if described else {}
        results = []
        for host, (node, uuid, facts) in sorted(described.items()):
            results.append(self._one(host, node, uuid, facts, aggregates,
                                     managed.get(node, [])))
            if results[-1].error is None:
                aggregates = aggregate_plan.aggregates_after(
                    host, results[-1].backend, aggregates,
                    self.settings.ephemeral_backend_key)
        return results

    def _one(self, host, node, uuid, fact_traits, aggregates, managed):
        facts = trait_contract.facts_of(fact_traits)
        backend, steps, changed = facts.backend, [], []
        try:
            steps = aggregate_plan.plan(host, backend, aggregates,
                                        self.settings.ephemeral_backend_key)
            if [s for s in steps if s.action != aggregate_plan.CONFLICT]:
                outcome = self.publisher.sync(host, backend,
                                              dry_run=self.dry_run)
                steps = outcome.steps + outcome.conflicts
            after = aggregate_plan.aggregates_after(
                host, backend, aggregates,
                self.settings.ephemeral_backend_key)
            change = self.traits.publish(
                node, uuid, provider_traits.host_wanted(
                    self.settings, host, after, facts.nvme_devices),
                dry_run=self.dry_run, managed=managed)
            changed = change.after
            if facts.conflicts:
                self.traits.publish(
                    node, uuid, lambda current: frozenset(),
                    dry_run=self.dry_run, owns=trait_contract.is_fact)
        except http.CloudError as exc:
            return Result(host, node, fact_traits, backend, steps, changed,
                          facts.conflicts, '%s (provider %s): %s' % (
                              host, node, http.first_line(exc)))
        except Exception as exc:
            return Result(host, node, fact_traits, backend, steps, changed,
                          facts.conflicts, '%s (provider %s): %s; run again'
                          % (host, node, http.first_line(exc)))
        return Result(host, node, fact_traits, backend, steps, changed,
                      facts.conflicts, None)
