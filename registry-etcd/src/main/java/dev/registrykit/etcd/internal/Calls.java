package dev.registrykit.etcd.internal;

import dev.registrykit.RegistryException;
import dev.registrykit.RegistryUnavailableException;
import io.etcd.jetcd.common.exception.ErrorCode;
import io.etcd.jetcd.common.exception.EtcdException;
import io.etcd.jetcd.lease.NoSuchLeaseException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/** Bounded waits on jetcd futures, and the translation of their failures into registrykit's. */
public final class Calls {

  private final Duration timeout;
  private final String endpoints;
  private final Runnable beforeRetry;

  /** Waits at most {@code timeout}; names {@code endpoints} in messages. */
  public Calls(Duration timeout, String endpoints) {
    this(timeout, endpoints, () -> { });
  }

  /**
   * Waits at most {@code timeout}; names {@code endpoints} in messages; runs {@code beforeRetry}
   * before repeating a call that failed to reach etcd (to get the connection tried again too).
   */
  public Calls(Duration timeout, String endpoints, Runnable beforeRetry) {
    this.timeout = timeout;
    this.endpoints = endpoints;
    this.beforeRetry = beforeRetry;
  }

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
        return future.get(Math.max(Math.min(perAttempt, left), 1), TimeUnit.NANOSECONDS);
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
          throw translate(operation, failure);
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
    Throwable cause = unwrap(failure);
    if (cause instanceof RegistryException registryException) {
      return registryException;
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

  /** Whether {@code failure} means etcd could not be reached (or did not answer), so a retry may work. */
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
