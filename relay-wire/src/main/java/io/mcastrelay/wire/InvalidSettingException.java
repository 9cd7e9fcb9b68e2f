package io.mcastrelay.wire;

/**
 * A setting that a settings record refuses, with the setting's name relative to the record (for example
 * {@code max-payload} or {@code destinations[1]} for a feed, {@code ttl} for egress), the value refused, and why.
 * The records of the hot-path modules are the only place a rule lives; whoever built the record from configuration
 * (relay-app) adds the prefix that makes the name a full property name.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String setting;
    private final transient Object value;
    private final String reason;

    /**
     * Creates the exception.
     *
     * @param context what the setting belongs to, for the message (for example {@code feed 'prod'}); may be empty.
     * @param setting the setting's name relative to its record, in the properties' kebab case.
     * @param value   the value refused.
     * @param reason  why, as a sentence fragment.
     */
    public InvalidSettingException(final String context, final String setting, final Object value,
        final String reason) {
        super(context.isEmpty() ? reason : context + ": " + reason);
        this.setting = setting;
        this.value = value;
        this.reason = reason;
    }

    /** @return the setting's name relative to its record, for example {@code allowed-sources[0]}. */
    public String setting() {
        return setting;
    }

    /** @return the value refused. */
    public Object value() {
        return value;
    }

    /** @return why, without the context and setting name. */
    public String reason() {
        return reason;
    }
}
