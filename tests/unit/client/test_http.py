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

"""The client's failures: retries, classes and their one-line messages.

Real keystoneauth and openstacksdk exceptions (and real requests
responses), as the libraries raise and return them.
"""

from keystoneauth1 import exceptions as ks_exceptions
from openstack import exceptions as sdk_exceptions
from oslotest import base
import requests

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


REFUSED = ('Unable to establish connection to '
           'http://10.0.0.1:8778/resource_providers: HTTPConnectionPool('
           "host='10.0.0.1', port=8778): Max retries exceeded with url")


def response(status, body):
    """A requests response of placement or nova, as keystoneauth gives."""
    answer = requests.Response()
    answer.status_code = status
    answer._content = body.encode()
    return answer


class Failing:
    """A library call that raises ``error``."""

    def __init__(self, error):
        self.error = error
        self.calls = 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        raise self.error


class TestHierarchy(base.BaseTestCase):

    def test_one_hierarchy(self):
        self.assertTrue(issubclass(http.AuthError, http.CloudError))
        self.assertTrue(issubclass(http.OperationError, http.CloudError))
        self.assertFalse(issubclass(http.AuthError, http.OperationError))


class TestClassification(base.BaseTestCase):

    def test_transient(self):
        for exc in (sdk_exceptions.HttpException(http_status=503),
                    ks_exceptions.HttpError(http_status=429),
                    ks_exceptions.ConnectFailure(REFUSED),
                    ks_exceptions.ConnectTimeout('slow'),
                    sdk_exceptions.NotSupported(
                        'The placement service for RegionOne exists but '
                        'does not have any supported versions.')):
            self.assertTrue(http.is_transient(exc), exc)
        for exc in (ks_exceptions.BadRequest(), ks_exceptions.Conflict(),
                    sdk_exceptions.ResourceNotFound('gone'),
                    sdk_exceptions.NotSupported('no such thing'),
                    ValueError('bug')):
            self.assertFalse(http.is_transient(exc), exc)

    def test_auth(self):
        for exc in (ks_exceptions.Unauthorized(), ks_exceptions.Forbidden(),
                    sdk_exceptions.ForbiddenException('policy'),
                    sdk_exceptions.HttpException(http_status=401)):
            self.assertTrue(http.is_auth_error(exc), exc)
        self.assertFalse(http.is_auth_error(ks_exceptions.NotFound()))
        self.assertTrue(http.is_missing_credentials(
            ks_exceptions.MissingAuthPlugin('An auth plugin is required')))
        self.assertTrue(http.is_missing_credentials(
            sdk_exceptions.ConfigException('Cloud foo was not found.')))

    def test_status(self):
        self.assertEqual(409, http.status_of(ks_exceptions.Conflict()))
        self.assertEqual(503, http.status_of(
            sdk_exceptions.HttpException(http_status=503)))
        self.assertIsNone(http.status_of(ks_exceptions.ConnectFailure('x')))


class TestPlainMessage(base.BaseTestCase):

    def test_a_refused_connection_names_the_url_only(self):
        message = http.plain_message(ks_exceptions.ConnectFailure(REFUSED))
        self.assertEqual('no answer from http://10.0.0.1:8778/'
                         'resource_providers (connection refused or timed '
                         'out); check the auth URL or endpoint and that the '
                         'service runs', message)

    def test_a_missing_endpoint_names_what_to_check(self):
        message = http.plain_message(ks_exceptions.EndpointNotFound())
        self.assertIn('--os-region-name', message)

    def test_first_line(self):
        self.assertEqual('one', http.first_line(ValueError('one\ntwo')))
        self.assertEqual('ValueError', http.first_line(ValueError()))


class TestCallMessage(base.BaseTestCase):

    def test_ours_are_said_as_they_are(self):
        self.assertEqual('it kept changing', http.call_message(
            'Repairing', http.OperationError('it kept changing')))

    def test_refused_credentials(self):
        self.assertEqual(
            'Reading the cloud was refused: The request you have made '
            'requires authentication. (HTTP 401) (check the credentials '
            'and that the user has the admin role)',
            http.call_message('Reading the cloud', ks_exceptions.Unauthorized(
                'The request you have made requires authentication.')))

    def test_unreachable(self):
        message = http.call_message('Reading the cloud',
                                    ks_exceptions.ConnectFailure(REFUSED))
        self.assertTrue(message.startswith(
            'Reading the cloud failed: cannot reach the cloud: no answer '
            'from http://10.0.0.1:8778/resource_providers'), message)
        self.assertNotIn('Max retries', message)

    def test_other_api_errors_in_one_line(self):
        self.assertEqual(
            'Reading flavor x failed: No Flavor found for x',
            http.call_message('Reading flavor x',
                              sdk_exceptions.ResourceNotFound(
                                  'No Flavor found for x\nmore detail')))

    def test_a_bug_is_not_ours_to_word(self):
        self.assertIsNone(http.call_message('x', KeyError('bug')))


class TestConnectionMessage(base.BaseTestCase):

    def message(self, exc):
        return http.connection_message('cloud c1', exc, 'pass --os-cloud')

    def test_each_failure(self):
        self.assertEqual(
            'cannot use cloud c1: Cloud foo was not found; pass --os-cloud',
            self.message(sdk_exceptions.ConfigException(
                'Cloud foo was not found.')))
        self.assertEqual(
            'no usable credentials for cloud c1 (An auth plugin is '
            'required): pass --os-cloud',
            self.message(ks_exceptions.MissingAuthPlugin(
                'An auth plugin is required')))
        self.assertIn('cloud c1 refused the credentials: ',
                      self.message(ks_exceptions.Unauthorized()))
        self.assertTrue(self.message(
            ks_exceptions.EndpointNotFound()).startswith(
                'cannot reach cloud c1: the service catalog has no endpoint'))
        self.assertTrue(self.message(
            ks_exceptions.ConnectFailure(REFUSED)).startswith(
                'cannot reach cloud c1: no answer from http://10.0.0.1'))
        self.assertTrue(self.message(
            ks_exceptions.SSLError('SSL failed')).startswith(
                'cannot reach cloud c1: no answer from the cloud'))
        self.assertEqual('cannot connect to cloud c1: version discovery '
                         'broke', self.message(sdk_exceptions.SDKException(
                             'version discovery broke\nat line 3')))


class TestProviderTraitsCall(base.BaseTestCase):

    def call(self, error):
        return http.provider_traits_call('node-1', Failing(error))

    def test_success_and_conflict(self):
        self.assertEqual(3, http.provider_traits_call('n', lambda x: x, 3))
        self.assertIsNone(self.call(ks_exceptions.Conflict()))

    def test_vanished(self):
        exc = self.assertRaises(http.OperationError, self.call,
                                ks_exceptions.NotFound())
        self.assertEqual('resource provider node-1 vanished (its compute '
                         'node was deleted?); run again', str(exc))

    def test_refused_says_placement_detail(self):
        exc = self.assertRaises(http.OperationError, self.call,
                                ks_exceptions.BadRequest(
                                    details='Invalid trait CUSTOM_x'))
        self.assertEqual('placement refused the traits of node-1 (HTTP '
                         '400): Invalid trait CUSTOM_x', str(exc))
        exc = self.assertRaises(http.OperationError, self.call,
                                ks_exceptions.InternalServerError(
                                    details='boom'))
        self.assertTrue(str(exc).endswith('boom; run again'))

    def test_without_status(self):
        exc = self.assertRaises(http.OperationError, self.call,
                                ks_exceptions.ConnectFailure(REFUSED))
        self.assertTrue(str(exc).startswith(
            'placement failed on the traits of node-1: Unable to establish'))
        self.assertTrue(str(exc).endswith('; run again'))

    def test_ours_pass_through(self):
        error = http.AuthError('refused')
        self.assertIs(error, self.assertRaises(http.AuthError, self.call,
                                               error))


class TestTolerating(base.BaseTestCase):

    def setUp(self):
        super().setUp()
        self.retry = http.Retrying(attempts=2, sleep=lambda _: None)

    def test_tolerated_statuses_are_none(self):
        func = Failing(sdk_exceptions.ConflictException(
            'already there', http_status=409))
        self.assertIsNone(http.tolerating(self.retry, (409,), 'Adding', func))
        self.assertEqual(1, func.calls)

    def test_other_statuses_name_what_failed(self):
        exc = self.assertRaises(
            http.OperationError, http.tolerating, self.retry, (409,),
            'Creating agg', Failing(sdk_exceptions.BadRequestException(
                'Invalid name\nDetails', http_status=400)))
        self.assertEqual('Creating agg failed: Invalid name', str(exc))

    def test_transient_ones_are_retried_first(self):
        func = Failing(sdk_exceptions.HttpException(http_status=503))
        self.assertRaises(http.OperationError, http.tolerating, self.retry,
                          (409,), 'Adding', func)
        self.assertEqual(2, func.calls)

    def test_credentials_are_refused_at_once(self):
        self.assertRaises(http.AuthError, http.tolerating, self.retry,
                          (409,), 'Adding', Failing(
                              ks_exceptions.Unauthorized()))


class TestResponses(base.BaseTestCase):

    def test_refusal_says_nova_message(self):
        exc = self.assertRaises(
            http.OperationError, http.raise_for_refusal, response(
                400, '{"badRequest": {"message": "bad spec", "code": 400}}'),
            'the extra specs')
        self.assertEqual('nova-api refused the extra specs (HTTP 400): '
                         'bad spec', str(exc))

    def test_refusal_without_json_says_the_text(self):
        exc = self.assertRaises(http.OperationError, http.raise_for_refusal,
                                response(502, 'Bad Gateway'), 'removing k')
        self.assertEqual('nova-api refused removing k (HTTP 502): Bad '
                         'Gateway', str(exc))

    def test_success_is_no_refusal(self):
        self.assertIsNone(http.raise_for_refusal(response(200, '{}'), 'x'))

    def test_json_cut_short(self):
        self.assertEqual({'a': 1}, http.json_of(
            'nova', '/x', response(200, '{"a": 1}')))
        exc = self.assertRaises(http.CloudError, http.json_of, 'placement',
                                '/resource_providers',
                                response(200, '{"resource_pro'))
        self.assertEqual("placement's answer to GET /resource_providers "
                         "was cut short (not whole JSON); run again",
                         str(exc))
