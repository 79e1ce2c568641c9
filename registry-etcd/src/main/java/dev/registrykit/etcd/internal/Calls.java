package dev.registrykit.etcd.internal;

import dev.registrykit.RegistryException;
import dev.registrykit.RegistryUnavailableException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;

/** Bounded waits on jetcd futures, and the translation of their failures into registrykit's. */
public final class Calls {

  private final Duration timeout;
  private final String endpoints;
  private final String namespace;
  private final Runnable beforeRetry;
  private final Supplier<Optional<String>> tlsProblem;

  /** Waits at most {@code timeout}; names {@code endpoints} in messages. */
  public Calls(Duration timeout, String endpoints) {
    this(timeout, endpoints, null, () -> { });
  }

  /**
   * Waits at most {@code timeout}; names {@code endpoints} in messages, and for a refused key the
   * prefix of {@code namespace} to grant; runs {@code beforeRetry} before repeating a call that failed
   * to reach etcd (to get the connection tried again too).
   */
  public Calls(Duration timeout, String endpoints, String namespace, Runnable beforeRetry) {
    this(timeout, endpoints, namespace, beforeRetry, Optional::empty);
  }

  /**
   * As {@link #Calls(Duration, String, String, Runnable)}; and when an attempt has had no answer for
   * {@link #ASK_AFTER_NANOS}, asks {@code tlsProblem} (a {@link TlsProbe} when the channel is not
   * connected) and fails the call at once, saying why, if the connection fails at TLS.
   */
  public Calls(Duration timeout, String endpoints, String namespace, Runnable beforeRetry,
      Supplier<Optional<String>> tlsProblem) {
    this.timeout = timeout;
    this.endpoints = endpoints;
    this.namespace = namespace;
    this.beforeRetry = beforeRetry;
    this.tlsProblem = tlsProblem;
  }

  /** How long an attempt waits for its answer before asking whether TLS keeps the connection from coming up. */
  static final long ASK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /** The endpoints as named in messages. */
  public String endpoints() {
    return endpoints;
  }

  /**
   * Makes the call {@code attempt} starts, again while it fails the way an unreachable or leaderless
   * member fails, within the call timeout: each attempt may take a third of it (a member cut off from
   * its peers may leave a call unanswered), and the next goes out after a pause of 10 ms doubling up
   * to 200 ms; jetcd balances calls over the endpoints round robin, so it goes to another member. Only
   * for calls that may be repeated: reads, deletes, compare-and-set transactions, lease revokes, and
   * puts and grants whose repetition is harmless (a grant that timed out but was granted expires
   * unused after its TTL).
   *
   * @throws RegistryUnavailableException if no attempt succeeded within the call timeout
   * @throws RegistryException            if an attempt failed otherwise, or the thread was
   *                                      interrupted (the interrupt flag is restored)
   */
  public <T> T call(Supplier<CompletableFuture<T>> attempt, String operation) {
    return call(attempt, operation, null);
  }

  /**
   * {@link #call(Supplier, String)} of a call on {@code key} (a key or a prefix): if etcd refuses it
   * ({@code PERMISSION_DENIED}), the exception names the key and the prefix to grant.
   */
  public <T> T call(Supplier<CompletableFuture<T>> attempt, String operation, String key) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long perAttempt = Math.max(timeout.toNanos() / 3, 1);
    long pause = PAUSE_MIN_NANOS;
    int attempts = 0;
    while (true) {
      attempts++;
      long left = deadline - System.nanoTime();
      CompletableFuture<T> future = attempt.get();
      Throwable failure;
      try {
        return await(future, Math.max(Math.min(perAttempt, left), 1), operation);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        future.cancel(true);
        throw new RegistryException(operation + " was interrupted", e);
      } catch (TimeoutException e) {
        future.cancel(true);
        failure = e;
      } catch (ExecutionException e) {
        failure = unwrap(e.getCause());
        if (!isUnavailable(failure)) {
          throw translate(operation, failure, key);
        }
      }
      left = deadline - System.nanoTime();
      if (left <= pause) {
        String tries = attempts == 1 ? "1 attempt" : attempts + " attempts";
        throw new RegistryUnavailableException(failure instanceof TimeoutException
            ? operation + " failed: etcd at " + endpoints + " did not answer within " + timeout + " (" + tries + ")"
            : operation + " failed: etcd at " + endpoints + " is unavailable (" + failure.getMessage() + "; " + tries
                + " within " + timeout + ")", failure);
      }
      try {
        TimeUnit.NANOSECONDS.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryException(operation + " was interrupted", e);
      }
      pause = Math.min(pause * 2, PAUSE_MAX_NANOS);
      beforeRetry.run();
    }
  }

  /**
   * {@code future}'s answer within {@code nanos}; every {@link #ASK_AFTER_NANOS} without one, asks
   * whether TLS keeps the connection from coming up, and if so fails at once with a {@link RegistryException} caused by an {@link SSLException} (so retry loops take it as
   * permanent) if the connection fails at TLS.
   */
  private <T> T await(CompletableFuture<T> future, long nanos, String operation)
      throws InterruptedException, ExecutionException, TimeoutException {
    long end = System.nanoTime() + nanos;
    while (true) {
      long left = end - System.nanoTime();
      if (left <= ASK_AFTER_NANOS) {
        return future.get(Math.max(left, 1), TimeUnit.NANOSECONDS);
      }
      try {
        return future.get(ASK_AFTER_NANOS, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        Optional<String> problem = tlsProblem.get(); // a probe at most once a second, else its last answer
        if (problem.isPresent()) {
          future.cancel(true);
          throw new RegistryException(operation + " failed: " + problem.get(), new SSLException(problem.get()));
        }
      }
    }
  }

  private static final long PAUSE_MIN_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
  private static final long PAUSE_MAX_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

  /**
   * {@code future}, failing with a {@link TimeoutException} after {@code timeout}, timed on
   * {@code scheduler} (not the JDK's shared delayer thread, which would outlive the registry).
   */
  static <T> CompletableFuture<T> within(CompletableFuture<T> future, Duration timeout,
      java.util.concurrent.ScheduledExecutorService scheduler) {
    try {
      java.util.concurrent.ScheduledFuture<?> timer = scheduler.schedule(
          () -> future.completeExceptionally(new TimeoutException("no answer within " + timeout)),
          timeout.toNanos(), TimeUnit.NANOSECONDS);
      future.whenComplete((result, failure) -> timer.cancel(false));
    } catch (java.util.concurrent.RejectedExecutionException e) {
      future.completeExceptionally(e);
    }
    return future;
  }

  /** The registrykit exception for a failed etcd call. */
  RegistryException translate(String operation, Throwable failure) {
    return translate(operation, failure, null);
  }

  /** The registrykit exception for a failed etcd call on {@code key} (null if none in particular). */
  RegistryException translate(String operation, Throwable failure, String key) {
    Throwable cause = unwrap(failure);
    if (cause instanceof RegistryException registryException) {
      return registryException;
    }
    if (key != null && isPermissionDenied(cause)) {
      return new RegistryException(operation + " failed: " + refusal(key, cause), cause);
    }
    if (isUnavailable(cause)) {
      return new RegistryUnavailableException(
          operation + " failed: etcd at " + endpoints + " is unavailable (" + cause.getMessage() + ")", cause);
    }
    return new RegistryException(operation + " failed: " + cause, cause);
  }

  /** Whether {@code failure} says the lease does not exist (any more). */
  static boolean isLeaseNotFound(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof NoSuchLeaseException) {
      return true;
    }
    if (cause instanceof EtcdException etcd && etcd.getErrorCode() == ErrorCode.NOT_FOUND) {
      return true;
    }
    return cause != null && cause.getMessage() != null && cause.getMessage().contains("requested lease not found");
  }

  /**
   * What to say when etcd refused {@code key} ({@code failure} is its {@code PERMISSION_DENIED}): the
   * key, etcd's answer, and the prefix whose grant the user's role lacks, with the command that grants it.
   */
  String refusal(String key, Throwable failure) {
    String prefix = Grants.prefixOf(namespace, key);
    return "etcd refused access to " + key + " (" + unwrap(failure).getMessage() + "): the user's role needs "
        + "readwrite on the prefix " + prefix + " (etcdctl role grant-permission <role> readwrite --prefix=true "
        + prefix + "; docs/etcd-permissions.md lists the prefixes each feature uses)";
  }

  /** Whether etcd refused {@code failure}'s call for the user's permissions ({@code PERMISSION_DENIED}). */
  static boolean isPermissionDenied(Throwable failure) {
    return code(failure) == Status.Code.PERMISSION_DENIED;
  }

  /**
   * Whether {@code failure} is one that trying again cannot fix, so a retry loop must stop and say so:
   * {@code PERMISSION_DENIED} (a grant is missing), {@code UNAUTHENTICATED} and {@code INVALID_ARGUMENT}
   * (a user or password etcd does not accept, a request it cannot take) unless they are about an
   * expired token (jetcd takes a fresh one), and a TLS handshake that failed. Not a watch stream
   * cancelled with "permission denied": etcd 3.4 says so for an expired token too, so a watch lists
   * (a unary call, which jetcd retries with a fresh token) to find out.
   */
  static boolean isPermanent(Throwable failure) {
    Throwable cause = unwrap(failure);
    for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof javax.net.ssl.SSLException) {
        return true;
      }
    }
    Status.Code code = code(cause);
    if (code == Status.Code.PERMISSION_DENIED) {
      return true;
    }
    return (code == Status.Code.UNAUTHENTICATED || code == Status.Code.INVALID_ARGUMENT) && !isInvalidAuthToken(cause);
  }

  /** The gRPC status code of {@code failure}, or null if it has none. */
  private static Status.Code code(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof EtcdException etcd) {
      try {
        return Status.Code.valueOf(etcd.getErrorCode().name());
      } catch (IllegalArgumentException e) {
        return null;
      }
    }
    if (cause instanceof StatusRuntimeException status) {
      return status.getStatus().getCode();
    }
    if (cause instanceof io.grpc.StatusException status) {
      return status.getStatus().getCode();
    }
    return null;
  }

  /**
   * Whether etcd refused {@code failure}'s call for its auth token ("invalid auth token", "auth store
   * is old"): an expired JWT, for example. jetcd renews its token for unary calls, not for
   * {@code keepAliveOnce}, which etcd 3.5 token-checks (3.4 did not).
   */
  static boolean isInvalidAuthToken(Throwable failure) {
    Throwable cause = unwrap(failure);
    String message = cause == null ? null : cause.getMessage();
    return message != null && (message.contains("invalid auth token") || message.contains("auth store is old"));
  }

  /** Whether {@code failure} means etcd could not be reached (or did not answer), so a retry may work. */
  static boolean isUnavailable(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof TimeoutException) {
      return true;
    }
    if (cause instanceof EtcdException etcd) {
      ErrorCode code = etcd.getErrorCode();
      return code == ErrorCode.UNAVAILABLE || code == ErrorCode.DEADLINE_EXCEEDED || code == ErrorCode.CANCELLED
          || (code == ErrorCode.UNKNOWN && connectionClosed(etcd));
    }
    if (cause instanceof StatusRuntimeException status) {
      Status.Code code = status.getStatus().getCode();
      return code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
          || code == Status.Code.CANCELLED || (code == Status.Code.UNKNOWN && connectionClosed(status));
    }
    return cause instanceof java.io.IOException;
  }

  /**
   * Whether an {@code UNKNOWN} status is the connection closing under the call ("channel closed", as
   * the transport reports a connection cut mid-call): etcd may be fine, so another try is worth it.
   */
  private static boolean connectionClosed(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.io.IOException
          || (t.getMessage() != null && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("channel closed"))) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  /** The cause inside CompletionException/ExecutionException wrappers. */
  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}
