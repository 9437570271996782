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

from aerospike_filters.client import aggregates
from aerospike_filters.client import http
from aerospike_filters import host_facts
from aerospike_filters.sync import aggregate_plan

Outcome = collections.namedtuple('Outcome', 'host backend steps conflicts')


class Publisher:
    """Moves one host between backend aggregates through the compute API."""

    def __init__(self, conn, retry=None,
                 backend_key=host_facts.DEFAULT_BACKEND_KEY):
        self.conn = conn
        self.retry = retry or http.Retrying()
        self.backend_key = backend_key
        #: The aggregates as last read (the last plan was made from them).
        self.last_read = None

    def aggregates(self):
        found = aggregates.listed(self.conn, self.retry)
        self.last_read = [aggregate_plan.Aggregate(a.id, a.name,
                                                   list(a.hosts or []),
                                                   dict(a.metadata or {}))
                          for a in found]
        return self.last_read

    def plan(self, host, backend):
        return aggregate_plan.plan(host, backend, self.aggregates(),
                                   self.backend_key)

    def sync(self, host, backend, dry_run=False, rounds=3):
        """Apply the plan until nothing is left; return an Outcome."""
        done = []
        steps = self.plan(host, backend)
        for _ in range(rounds):
            actions = [s for s in steps if s.action != aggregate_plan.CONFLICT]
            if dry_run or not actions:
                break
            for step in actions:
                try:
                    self._apply(step, host, backend)
                except http.OperationError:
                    raise
                except Exception as exc:
                    raise http.OperationError(
                        '%s (%s) failed: %s; run sync again'
                        % (step.command, step.action,
                           http.first_line(exc))) from exc
                done.append(step)
            steps = self.plan(host, backend)
        else:
            if [s for s in steps if s.action != aggregate_plan.CONFLICT]:
                raise http.OperationError(
                    'host %s did not converge after %d rounds; another tool '
                    'may be editing its aggregates' % (host, rounds))
        conflicts = [s for s in steps if s.action == aggregate_plan.CONFLICT]
        return Outcome(host, backend, steps if dry_run else done, conflicts)

    def _find(self, name):
        for agg in aggregates.listed(self.conn, self.retry):
            if agg.name == name:
                return agg
        return None

    def _apply(self, step, host, backend):
        agg = self._find(step.aggregate)
        if step.action == aggregate_plan.LEAVE:
            if agg is not None and host in (agg.hosts or []):
                aggregates.remove_host(self.conn, self.retry, agg, host)
        elif step.action == aggregate_plan.CREATE:
            if agg is None:
                # A concurrent run may create it first: 409, then use theirs.
                aggregates.create(self.conn, self.retry, step.aggregate)
                agg = self._find(step.aggregate)
            self._set_metadata(agg, backend)
        elif step.action == aggregate_plan.SET_METADATA:
            self._set_metadata(agg, backend)
        elif step.action == aggregate_plan.JOIN:
            if agg is None:
                raise http.OperationError(
                    'aggregate %s vanished while %s joined it'
                    % (step.aggregate, host))
            if host not in (agg.hosts or []):
                aggregates.add_host(self.conn, self.retry, agg, host)

    def _set_metadata(self, agg, backend):
        value = aggregate_plan.canonical_backend(backend)
        if (agg.metadata or {}).get(self.backend_key) != value:
            aggregates.set_metadata(self.conn, self.retry, agg,
                                    {self.backend_key: value})
