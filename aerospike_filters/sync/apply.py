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

"""Carry out a sync plan against nova (and placement) with openstacksdk.

Every call is retried with exponential backoff on transient failures
(5xx answers, refused or timed-out connections). Authentication and
permission errors are not retried: they end the run with a clear message.
A plan is re-read and re-made after it is carried out, so concurrent runs
for other hosts, or a run interrupted half-way, converge.
"""

import collections

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions

from aerospike_filters import cloud
from aerospike_filters import host_facts
from aerospike_filters.sync import plan as sync_plan

TRAIT_PREFIX = 'CUSTOM_AEROSPIKE_BACKEND_'

Outcome = collections.namedtuple('Outcome', 'host backend steps conflicts')


class SyncError(cloud.CloudError):
    """The sync cannot go on; the message says why and what to do."""


class Publisher:
    """Moves one host between backend aggregates through the compute API."""

    def __init__(self, conn, retry=None,
                 backend_key=host_facts.DEFAULT_BACKEND_KEY):
        self.conn = conn
        self.retry = retry or cloud.Retrying()
        self.backend_key = backend_key

    def aggregates(self):
        found = self.retry('Listing host aggregates',
                           lambda: list(self.conn.compute.aggregates()))
        return [sync_plan.Aggregate(a.id, a.name, list(a.hosts or []),
                                    dict(a.metadata or {})) for a in found]

    def plan(self, host, backend):
        return sync_plan.plan(host, backend, self.aggregates(),
                              self.backend_key)

    def sync(self, host, backend, dry_run=False, rounds=3):
        """Apply the plan until nothing is left; return an Outcome."""
        done = []
        steps = self.plan(host, backend)
        for _ in range(rounds):
            actions = [s for s in steps if s.action != sync_plan.CONFLICT]
            if dry_run or not actions:
                break
            for step in actions:
                try:
                    self._apply(step, host, backend)
                except SyncError:
                    raise
                except Exception as exc:
                    raise SyncError('%s (%s) failed: %s; run sync again'
                                    % (step.command, step.action,
                                       cloud.first_line(exc))) from exc
                done.append(step)
            steps = self.plan(host, backend)
        else:
            if [s for s in steps if s.action != sync_plan.CONFLICT]:
                raise SyncError('host %s did not converge after %d rounds; '
                                'another tool may be editing its aggregates'
                                % (host, rounds))
        conflicts = [s for s in steps if s.action == sync_plan.CONFLICT]
        return Outcome(host, backend, steps if dry_run else done, conflicts)

    def _find(self, name):
        for agg in self.retry('Listing host aggregates',
                              lambda: list(self.conn.compute.aggregates())):
            if agg.name == name:
                return agg
        return None

    def _apply(self, step, host, backend):
        compute = self.conn.compute
        agg = self._find(step.aggregate)
        if step.action == sync_plan.LEAVE:
            if agg is not None and host in (agg.hosts or []):
                self._tolerate(
                    (404, 409), 'Removing %s from %s' % (host, step.aggregate),
                    compute.remove_host_from_aggregate, agg, host)
        elif step.action == sync_plan.CREATE:
            if agg is None:
                # A concurrent run may create it first: 409, then use theirs.
                self._tolerate((409,), 'Creating %s' % step.aggregate,
                               compute.create_aggregate, name=step.aggregate)
                agg = self._find(step.aggregate)
            self._set_metadata(agg, backend)
        elif step.action == sync_plan.SET_METADATA:
            self._set_metadata(agg, backend)
        elif step.action == sync_plan.JOIN:
            if agg is None:
                raise SyncError('aggregate %s vanished while %s joined it'
                                % (step.aggregate, host))
            if host not in (agg.hosts or []):
                self._tolerate(
                    (409,), 'Adding %s to %s' % (host, step.aggregate),
                    compute.add_host_to_aggregate, agg, host)

    def _set_metadata(self, agg, backend):
        value = sync_plan.canonical_backend(backend)
        if (agg.metadata or {}).get(self.backend_key) != value:
            self.retry('Setting metadata of %s' % agg.name,
                       self.conn.compute.set_aggregate_metadata, agg,
                       {self.backend_key: value})

    def _tolerate(self, statuses, what, func, *args, **kwargs):
        try:
            return self.retry(what, func, *args, **kwargs)
        except (sdk_exceptions.HttpException, ks_exceptions.HttpError) as exc:
            if cloud.status_of(exc) in statuses:
                return None
            raise SyncError('%s failed: %s'
                            % (what, cloud.first_line(exc))) from None


class TraitPublisher:
    """Mirrors the backend as a custom trait on the host's provider."""

    def __init__(self, conn, retry=None):
        self.conn = conn
        self.retry = retry or cloud.Retrying()

    @staticmethod
    def trait_for(backend):
        return TRAIT_PREFIX + sync_plan.canonical_backend(backend).upper()

    def _call(self, what, method, url, **kwargs):
        return cloud.placement_call(self.conn, self.retry, what, method, url,
                                    **kwargs)

    def provider(self, node):
        response = self._call('Finding resource provider %s' % node, 'get',
                              '/resource_providers', params={'name': node})
        providers = response.json().get('resource_providers', [])
        if not providers:
            raise SyncError('no resource provider named %s in placement; '
                            'pass the hypervisor hostname with --node' % node)
        return providers[0]['uuid']

    def publish(self, node, backend, dry_run=False, attempts=5):
        """Make the backend's trait the only backend trait of the provider.

        Returns the trait list after the change (or as planned).
        """
        trait = self.trait_for(backend)
        uuid = self.provider(node)
        if not dry_run:
            self._call('Creating trait %s' % trait, 'put',
                       '/traits/%s' % trait)
        for _ in range(attempts):
            current = self._call('Reading traits of %s' % node, 'get',
                                 '/resource_providers/%s/traits' % uuid
                                 ).json()
            traits = sorted(
                {t for t in current['traits']
                 if not t.startswith(TRAIT_PREFIX)} | {trait})
            if dry_run or traits == sorted(current['traits']):
                return traits
            response = self._call(
                'Setting traits of %s' % node, 'put',
                '/resource_providers/%s/traits' % uuid,
                json={'traits': traits,
                      'resource_provider_generation':
                          current['resource_provider_generation']},
                raise_exc=False)
            if response.status_code != 409:  # 409: generation moved on
                if response.status_code >= 400:
                    raise SyncError('setting traits of %s failed: HTTP %d'
                                    % (node, response.status_code))
                return traits
        raise SyncError('traits of %s kept changing; try again' % node)
