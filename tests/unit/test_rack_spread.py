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

"""The rack-spread contract: domains, modes, placements, balance."""

from oslotest import base

from aerospike_filters import rack_spread

Domain = rack_spread.Domain


def zone(name):
    return ('zone-' + name, {rack_spread.AZ_KEY: name})


def rack(name, key='rack'):
    return ('rack-' + name, {key: name})


class TestDomainOf(base.BaseTestCase):

    def test_zone_by_default(self):
        self.assertEqual(Domain('az1', None), rack_spread.domain_of(
            [('backend-lvm', {'ephemeral_backend': 'lvm'}), zone('az1')]))

    def test_host_in_no_zone_is_in_the_default_zone(self):
        self.assertEqual(Domain('nova', None), rack_spread.domain_of([]))
        self.assertEqual(Domain('main', None), rack_spread.domain_of(
            [('backend-lvm', {'ephemeral_backend': 'lvm'})],
            default_zone='main'))

    def test_custom_key(self):
        self.assertEqual(Domain('r1', None), rack_spread.domain_of(
            [zone('az1'), rack('r1')], key='rack'))

    def test_custom_key_no_aggregate_sets_it(self):
        # The zone does not stand in for a missing rack, nor does the
        # default zone.
        domain = rack_spread.domain_of([zone('az1')], key='rack')
        self.assertIsNone(domain.name)
        self.assertIn('no aggregate of the host sets rack', domain.error)
        self.assertIsNone(rack_spread.domain_of([], key='rack').name)

    def test_same_value_twice_is_one_domain(self):
        self.assertEqual(Domain('r1', None), rack_spread.domain_of(
            [rack('r1'), ('r1-again', {'rack': ' r1 '})], key='rack'))

    def test_conflict_has_no_domain_and_names_both(self):
        domain = rack_spread.domain_of(
            [rack('r1'), ('misc', {}), rack('r2')], key='rack')
        self.assertIsNone(domain.name)
        self.assertEqual("aggregates 'rack-r1' and 'rack-r2' put the host "
                         "in rack r1 and r2; keep the host in one of them",
                         domain.error)

    def test_zone_conflict(self):
        domain = rack_spread.domain_of([zone('az1'), zone('az2')])
        self.assertIsNone(domain.name)
        self.assertIn('availability_zone az1 and az2', domain.error)

    def test_empty_value_has_no_domain(self):
        for value in ('', '   '):
            domain = rack_spread.domain_of(
                [rack('r1'), ('blank', {'rack': value})], key='rack')
            self.assertIsNone(domain.name, value)
            self.assertEqual("aggregate 'blank' sets rack to an empty "
                             "value; give it the rack name", domain.error)
        # An empty zone is no default zone either.
        self.assertIsNone(rack_spread.domain_of(
            [('blank', {rack_spread.AZ_KEY: ''})]).name)

    def test_non_string_value_has_no_domain(self):
        for value in (None, 7, ['r1']):
            domain = rack_spread.domain_of([('odd', {'rack': value})],
                                           key='rack')
            self.assertIsNone(domain.name, value)
            self.assertIn("'odd'", domain.error)


class TestModeOf(base.BaseTestCase):

    def test_absent_is_preferred(self):
        self.assertEqual((rack_spread.PREFERRED, None),
                         rack_spread.mode_of(None))
        self.assertEqual(rack_spread.PREFERRED, rack_spread.MODES[0])

    def test_strings_and_nova_lists(self):
        for value, mode in (('strict', 'strict'), (' Strict ', 'strict'),
                            (['off'], 'off'), (('preferred',), 'preferred'),
                            (['STRICT'], 'strict')):
            self.assertEqual((mode, None), rack_spread.mode_of(value), value)

    def test_bad_values(self):
        for value in ('fast', '', ['strict', 'off'], [], 7, ['7']):
            mode, error = rack_spread.mode_of(value)
            self.assertIsNone(mode, value)
            self.assertIn('scheduler hint aerospike_rack_spread=', error)
            self.assertIn('use one of preferred, strict, off', error)

    def test_applies(self):
        self.assertTrue(rack_spread.applies(True, 'anti-affinity',
                                            'preferred'))
        self.assertTrue(rack_spread.applies(True, 'soft-anti-affinity',
                                            'strict'))
        self.assertFalse(rack_spread.applies(True, 'soft-anti-affinity',
                                             'off'))
        self.assertFalse(rack_spread.applies(True, 'affinity', 'strict'))
        self.assertFalse(rack_spread.applies(False, 'anti-affinity',
                                             'strict'))


def layout(racks):
    """``{domain: [host, ...]}`` -> ``{host: Domain}``; None: no domain."""
    return {host: Domain(name, None if name else 'bad rack')
            for name, hosts in racks.items() for host in hosts}


class TestPlace(base.BaseTestCase):

    def place(self, candidates, racks, members):
        return dict(zip(candidates, rack_spread.place(
            candidates, layout(racks), members)))

    def test_balanced_picks_the_least_used_domain(self):
        racks = {'a': ['a1', 'a2'], 'b': ['b1'], 'c': ['c1']}
        result = self.place(['a1', 'a2', 'b1', 'c1'], racks,
                            {'a1': 1, 'b1': 1})
        self.assertEqual({'a1': 1, 'a2': 1, 'b1': 1, 'c1': 0},
                         {h: p.domain_count for h, p in result.items()})
        best = max(result, key=lambda h: result[h].weight)
        self.assertEqual('c1', best)
        self.assertEqual(1.0, result['c1'].weight)
        self.assertGreaterEqual(result['c1'].weight,
                                rack_spread.LEAST_DOMAIN_WEIGHT)
        for host in ('a1', 'a2', 'b1'):
            self.assertLessEqual(result[host].weight,
                                 rack_spread.HOST_SPREAD_WEIGHT)
        # Inside one domain, the host with fewer nodes first.
        self.assertGreater(result['a2'].weight, result['a1'].weight)
        self.assertEqual(['c1'], [h for h, p in result.items() if p.passes])
        self.assertEqual({0}, {p.least for p in result.values()})

    def test_fuller_domains_weigh_less(self):
        racks = {'a': ['a1'], 'b': ['b1'], 'c': ['c1']}
        result = self.place(['a1', 'b1', 'c1'], racks,
                            {'a1': 3, 'b1': 2, 'c1': 1})
        self.assertGreater(result['c1'].weight, result['b1'].weight)
        self.assertGreater(result['b1'].weight, result['a1'].weight)

    def test_tied_domains_all_pass(self):
        racks = {'a': ['a1'], 'b': ['b1']}
        result = self.place(['a1', 'b1'], racks, {'a1': 1, 'b1': 1})
        self.assertTrue(all(p.passes for p in result.values()))
        self.assertEqual(result['a1'].weight, result['b1'].weight)

    def test_first_node_anywhere(self):
        racks = {'a': ['a1'], 'b': ['b1']}
        result = self.place(['a1', 'b1'], racks, {})
        self.assertTrue(all(p.passes for p in result.values()))
        self.assertEqual({1.0}, {p.weight for p in result.values()})

    def test_strict_counts_a_domain_with_members_but_no_candidate(self):
        # Rack c is full (no candidate) with one node; a and b hold two.
        racks = {'a': ['a1'], 'b': ['b1'], 'c': ['c1']}
        result = self.place(['a1', 'b1'], racks,
                            {'a1': 2, 'b1': 2, 'c1': 1})
        self.assertEqual({1}, {p.least for p in result.values()})
        self.assertEqual([], [h for h, p in result.items() if p.passes])
        # The preferred form still takes one of them, evenly.
        self.assertEqual(result['a1'].weight, result['b1'].weight)
        self.assertGreaterEqual(result['a1'].weight,
                                rack_spread.LEAST_DOMAIN_WEIGHT)

    def test_strict_ignores_an_empty_domain_with_no_candidate(self):
        # A rack with no node and no candidate host cannot take one.
        racks = {'a': ['a1'], 'b': ['b1'], 'c': ['c1']}
        result = self.place(['a1', 'b1'], racks, {'a1': 1, 'c1': 0})
        self.assertEqual(['b1'], [h for h, p in result.items() if p.passes])

    def test_unknown_domain_is_neutral_and_never_passes(self):
        racks = {'a': ['a1'], 'b': ['b1'], None: ['x1']}
        result = self.place(['a1', 'b1', 'x1'], racks,
                            {'a1': 1, 'x1': 5})
        unknown = result['x1']
        self.assertIsNone(unknown.domain.name)
        self.assertIsNone(unknown.domain_count)
        self.assertEqual(5, unknown.host_count)
        self.assertFalse(unknown.passes)
        self.assertEqual(rack_spread.NEUTRAL_WEIGHT, unknown.weight)
        # Its nodes count nowhere: b is still the least used.
        self.assertEqual(['b1'], [h for h, p in result.items() if p.passes])
        self.assertEqual({'a': 1}, dict(rack_spread.domain_counts(
            {'a1': 1, 'x1': 5}, layout(racks))))

    def test_multi_create_counts_the_nodes_placed_so_far(self):
        # The third node of a request: a1 and b1 took the first two.
        racks = {'a': ['a1', 'a2'], 'b': ['b1', 'b2'], 'c': ['c1']}
        result = self.place(['a1', 'a2', 'b1', 'b2', 'c1'], racks,
                            {'a1': 1, 'b1': 1})
        self.assertEqual(['c1'], [h for h, p in result.items() if p.passes])
        # The fourth: every domain holds one, a host without a node first.
        result = self.place(['a1', 'a2', 'b1', 'b2', 'c1'], racks,
                            {'a1': 1, 'b1': 1, 'c1': 1})
        self.assertTrue(all(p.passes for p in result.values()))
        self.assertEqual(
            {'a2', 'b2'},
            {h for h, p in result.items()
             if p.weight == max(q.weight for q in result.values())})

    def test_two_nodes_on_one_host_count_twice(self):
        racks = {'a': ['a1'], 'b': ['b1', 'b2']}
        result = self.place(['a1', 'b1', 'b2'], racks,
                            {'a1': 2, 'b1': 1})
        self.assertEqual(2, result['a1'].domain_count)
        self.assertEqual(['b1', 'b2'],
                         sorted(h for h, p in result.items() if p.passes))

    def test_no_candidates(self):
        self.assertEqual([], rack_spread.place([], {}, {'a1': 1}))


class TestBalance(base.BaseTestCase):

    def test_describe_counts(self):
        self.assertEqual('a=1 b=0 c=2', rack_spread.describe_counts(
            {'c': 2, 'a': 1}, ['b']))
        self.assertEqual('', rack_spread.describe_counts({}, ()))

    def test_a_difference_of_one_is_balanced(self):
        self.assertFalse(rack_spread.unbalanced({'a': 2, 'b': 1, 'c': 1},
                                                {'a', 'b', 'c'}))
        self.assertFalse(rack_spread.unbalanced({'a': 2, 'b': 2},
                                                {'a', 'b'}))

    def test_two_more_is_unbalanced(self):
        self.assertTrue(rack_spread.unbalanced({'a': 2, 'b': 0},
                                               {'a', 'b'}))
        # An empty suitable domain counts as 0.
        self.assertTrue(rack_spread.unbalanced({'a': 2}, {'a', 'b'}))
        # A domain with no suitable host left still holds its nodes.
        self.assertTrue(rack_spread.unbalanced({'a': 3, 'b': 1}, {'b'}))

    def test_one_domain_is_never_unbalanced(self):
        self.assertFalse(rack_spread.unbalanced({'a': 5}, {'a'}))
        self.assertFalse(rack_spread.unbalanced({}, set()))

    def test_no_suitable_domain_is_not_unbalanced(self):
        # No domain can take a node: moving one would not help.
        self.assertFalse(rack_spread.unbalanced({'a': 3, 'b': 1}, set()))
