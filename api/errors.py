"""The API's answer to bad input: 400, naming each parameter and value it could not use.

The HTML list ignores what it cannot use and says so on the page; a program has nobody to
read that notice, so the API refuses instead of answering a question it was not asked.
"""

from rest_framework import serializers, status
from rest_framework.exceptions import APIException


class BadParameters(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "bad_parameters"

    def __init__(self, errors):
        """`errors`: [{"parameter": ..., "value": ..., "message": ...}, ...]."""
        summary = "; ".join(
            f"{e['parameter']}={e['value']!r}: {e['message']}" if e["value"] is not None
            else f"{e['parameter']}: {e['message']}"
            for e in errors
        )  # fmt: skip
        super().__init__(f"Bad parameters. {summary}")
        # Set as is: APIException would turn a null value into the string "None".
        self.detail = {"detail": str(self.detail), "errors": errors}

    @classmethod
    def one(cls, parameter, value, message):
        return cls([{"parameter": parameter, "value": value, "message": message}])


def reject_unknown_parameters(request, allowed):
    """A misspelt parameter (`?senators=`) would silently widen the answer: refuse it."""
    unknown = [name for name in request.query_params if name not in allowed]
    if unknown:
        expected = ", ".join(sorted(allowed)) or "none"
        raise BadParameters(
            [
                {
                    "parameter": name,
                    "value": request.query_params.get(name),
                    "message": f"Unknown parameter. This endpoint accepts: {expected}.",
                }
                for name in unknown
            ]
        )


class ParameterErrorSerializer(serializers.Serializer):
    parameter = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text="The value as given.")
    message = serializers.CharField()


class BadParametersSerializer(serializers.Serializer):
    """The body of a 400."""

    detail = serializers.CharField(help_text="All the problems, in one sentence.")
    errors = ParameterErrorSerializer(many=True)


class NotFoundSerializer(serializers.Serializer):
    detail = serializers.CharField()
