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

"""Retrying: backoff on transient errors, none on auth errors."""

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions
from oslotest import base

from aerospike_filters.client import http


class Flaky:
    def __init__(self, *errors):
        self.errors = list(errors)
        self.calls = 0

    def __call__(self):
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return 'done'


class TestRetrying(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.sleeps = []
        self.retry = http.Retrying(attempts=4, delay=1, max_delay=3,
                                   sleep=self.sleeps.append)

    def test_transient_errors_back_off(self):
        func = Flaky(sdk_exceptions.HttpException(http_status=503),
                     ks_exceptions.ConnectFailure('refused'),
                     ks_exceptions.ConnectTimeout('slow'))
        self.assertEqual('done', self.retry('x', func))
        self.assertEqual([1, 2, 3], self.sleeps)

    def test_gives_up_after_the_last_attempt(self):
        func = Flaky(*[sdk_exceptions.HttpException(http_status=500)] * 4)
        self.assertRaises(sdk_exceptions.HttpException, self.retry, 'x',
                          func)
        self.assertEqual(4, func.calls)

    def test_client_errors_are_not_retried(self):
        func = Flaky(sdk_exceptions.BadRequestException(http_status=400))
        self.assertRaises(sdk_exceptions.BadRequestException, self.retry,
                          'x', func)
        self.assertEqual(1, func.calls)

    def test_auth_errors_become_a_clear_message(self):
        for error in (ks_exceptions.Unauthorized('bad password'),
                      sdk_exceptions.ForbiddenException(
                          message='Policy does not allow')):
            exc = self.assertRaises(http.AuthError, self.retry,
                                    'Listing host aggregates', Flaky(error))
            self.assertIn('Listing host aggregates', str(exc))
            self.assertIn('admin role', str(exc))
        self.assertEqual([], self.sleeps)
